"""The parent puts a single STOP on the items queue for all the consumers: one consumer
takes it and ends, the other waits for ever for a STOP of its own.

Caught by: test_run_conveyor_moves_10000_numbers_with_2_producers_and_2_consumers
Says: one STOP ends one consumer
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
    for process in makers + takers:
        process.start()
    try:
        for process in makers:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                raise TimeoutError(f"{process.name} did not finish in time")
        items.put(STOP)  # "the work is done": said once, heard by one consumer only
        received, stops = [], 0
        while stops < consumers:
            if time.monotonic() > deadline:
                raise TimeoutError("not every consumer sent its STOP")
            try:
                got = results.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError("not every consumer sent its STOP") from None
            if got is STOP:
                stops += 1
            else:
                received.extend(got)
        for process in takers:
            process.join(max(0.0, deadline - time.monotonic()))
        return received
    finally:
        for process in makers + takers:
            if process.is_alive():
                process.terminate()
            process.join(5)
