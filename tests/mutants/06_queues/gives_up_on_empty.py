"""The consumer waits a short while for each batch and takes queue.Empty for the end of
the work: a producer that is slow to start, or a pause, and the consumer is gone, with
the batches still to come lost.

Caught by: test_a_waiting_consumer_neither_spins_nor_gives_up
Says: is not the end of the work
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


def consume(items, results):
    while True:
        try:
            batch = items.get(timeout=0.05)
        except queue.Empty:
            break  # "nothing more is coming", it guesses
        if batch is STOP:
            break
        results.put(batch)
    results.put(STOP)
