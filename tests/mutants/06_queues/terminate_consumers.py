"""The source's way: wait for the producers, then terminate() the consumers, which loop
for ever, and read whatever reached the results queue. Batches still in the pipe, in a
consumer's hands or in its feeder thread are lost, and the consumers die by SIGTERM.

Caught by: test_run_conveyor_moves_10000_numbers_with_2_producers_and_2_consumers
Says: terminated
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


def consume(items, results):
    while True:  # no way out: the parent terminates it
        results.put(items.get())


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
    for process in takers:
        process.terminate()
        process.join(5)
    received = []
    while True:
        try:
            received.extend(results.get(timeout=0.1))
        except queue.Empty:
            return received
