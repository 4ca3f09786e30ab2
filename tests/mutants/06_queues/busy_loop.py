"""The consumer asks with get_nowait() and, on queue.Empty, asks again at once: it never
misses an item, but burns a whole CPU core while the queue is empty.

Caught by: test_a_waiting_consumer_neither_spins_nor_gives_up
Says: busy-waiting
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


def consume(items, results):
    while True:
        try:
            batch = items.get_nowait()
        except queue.Empty:
            continue
        if batch is STOP:
            break
        results.put(batch)
    results.put(STOP)
