"""Calls produce and consume one after another in the parent's own process: the numbers
all arrive, but no producer or consumer ever ran in a process of its own.

Caught by: test_run_conveyor_moves_10000_numbers_with_2_producers_and_2_consumers, test_run_conveyor_gives_up_in_time_and_leaves_nothing_running
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


def run_conveyor(count, producers=2, consumers=2, batch=100, timeout=30.0):
    items, results = multiprocessing.Queue(), multiprocessing.Queue()
    deadline = time.monotonic() + timeout
    for i in range(producers):
        first = count * i // producers
        produce(items, first, count * (i + 1) // producers - first, batch)
        if time.monotonic() > deadline:
            raise TimeoutError("out of time")
    for _ in range(consumers):
        items.put(STOP)
    for _ in range(consumers):
        consume(items, results)
    received, stops = [], 0
    while stops < consumers:
        got = results.get(timeout=timeout)
        if got is STOP:
            stops += 1
        else:
            received.extend(got)
    return received
