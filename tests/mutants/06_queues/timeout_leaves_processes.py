"""When time is up, the parent raises TimeoutError but leaves its producers and
consumers running: they go on using the machine, and nobody will ever join them.

Caught by: test_run_conveyor_gives_up_in_time_and_leaves_nothing_running
Says: left
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


def run_conveyor(count, producers=2, consumers=2, batch=100, timeout=30.0):
    deadline = time.monotonic() + timeout
    items, results = multiprocessing.Queue(maxsize=4 * consumers), multiprocessing.Queue()
    bounds = [count * i // producers for i in range(producers + 1)]
    makers = [
        multiprocessing.Process(
            target=produce, args=(items, bounds[i], bounds[i + 1] - bounds[i], batch)
        )
        for i in range(producers)
    ]
    takers = [
        multiprocessing.Process(target=consume, args=(items, results)) for _ in range(consumers)
    ]
    for process in makers + takers:
        process.start()
    for process in makers:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            raise TimeoutError(f"{process.name} did not finish")  # and leaves everyone running
    for _ in takers:
        items.put(STOP)
    received, stops = [], 0
    while stops < consumers:
        try:
            got = results.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError("the consumers did not finish") from None
        if got is STOP:
            stops += 1
        else:
            received.extend(got)
    for process in takers:
        process.join(max(0.0, deadline - time.monotonic()))
    return received
