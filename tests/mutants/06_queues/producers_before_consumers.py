"""Runs the producers to the end before it starts the consumers. A producer cannot end
until what it put is written into the items pipe, which holds about 64 KB and which
nobody reads yet: the parent's join waits for ever (here, until the timeout).

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
    try:
        for process in makers:
            process.start()
        for process in makers:  # first all the producing, then all the consuming
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                raise TimeoutError(f"{process.name} did not end in time")
        for process in takers:
            process.start()
        for _ in takers:
            items.put(STOP)
        received, stops = [], 0
        while stops < consumers:
            got = results.get(timeout=max(0.0, deadline - time.monotonic()))
            if got is STOP:
                stops += 1
            else:
                received.extend(got)
        for process in takers:
            process.join(max(0.0, deadline - time.monotonic()))
        return received
    except BaseException:
        items.cancel_join_thread()
        for process in makers + takers:
            if process.is_alive():
                process.terminate()
            if process.pid is not None:
                process.join(5)
        raise
