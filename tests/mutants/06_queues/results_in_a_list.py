"""The consumer keeps what it takes in a module-level list and only puts its STOP on the
results queue. The list lives in the consumer's own process: the parent's copy of it
stays empty, and every number is lost.

Caught by: test_consume_passes_batches_on_until_one_stop, test_run_conveyor_moves_10000_numbers_with_2_producers_and_2_consumers
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


TAKEN = []


def consume(items, results):
    while True:
        batch = items.get()
        if batch is STOP:
            break
        TAKEN.extend(batch)  # in this process's memory only
    results.put(STOP)


def run_conveyor(count, producers=2, consumers=2, batch=100, timeout=30.0):
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
    for process in makers:
        process.join(timeout)
    for _ in takers:
        items.put(STOP)
    for _ in takers:
        results.get(timeout=timeout)
    for process in takers:
        process.join(timeout)
    return list(TAKEN)  # the parent's list: nobody ever added to it
