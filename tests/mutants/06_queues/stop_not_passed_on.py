"""The consumer stops at its STOP but does not pass it on to the results queue: the
parent, counting STOPs to know when all results are in, waits for ever.

Caught by: test_consume_passes_batches_on_until_one_stop, test_run_conveyor_moves_10000_numbers_with_2_producers_and_2_consumers
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


def consume(items, results):
    while True:
        batch = items.get()
        if batch is STOP:
            return
        results.put(batch)
