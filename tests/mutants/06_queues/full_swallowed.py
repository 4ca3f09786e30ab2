"""produce catches queue.Full and carries on: the batches that found no room are
dropped without a word, and the caller believes they went through.

Caught by: test_produce_waits_for_room_and_raises_queue_full_after_its_timeout
Says: silently dropped
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


def produce(items, first, count, batch=100, timeout=None):
    end = first + count
    for start in range(first, end, batch):
        try:
            items.put(list(range(start, min(start + batch, end))), timeout=timeout)
        except queue.Full:
            pass
