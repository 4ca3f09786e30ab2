"""The parent joins the consumers before it reads the results queue. A consumer cannot
end until what it put is written into the results pipe, which holds about 64 KB: with
more than that, the parent waits for the consumers and they wait for the parent.

Caught by: test_more_than_a_pipe_holds_goes_through_without_deadlock
Says: 64 KB
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


def run_conveyor(count, producers=2, consumers=2, batch=100, timeout=30.0):
    deadline = time.monotonic() + timeout
    items, results = multiprocessing.Queue(), multiprocessing.Queue()
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
    everyone = makers + takers
    for process in everyone:
        process.start()
    try:
        for process in makers:
            process.join(max(0.0, deadline - time.monotonic()))
        for _ in takers:
            items.put(STOP)
        for process in takers:  # too early: nobody has read the results yet
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                raise TimeoutError(f"{process.name} did not end in time")
        received, stops = [], 0
        while stops < consumers:
            got = results.get(timeout=1)
            if got is STOP:
                stops += 1
            else:
                received.extend(got)
        return received
    except BaseException:
        items.cancel_join_thread()
        for process in everyone:
            if process.is_alive():
                process.terminate()
            process.join(5)
        raise
