"""produce ignores its timeout: put() with no timeout waits for ever for room in a full
queue that nobody reads.

Caught by: test_produce_waits_for_room_and_raises_queue_full_after_its_timeout
Says: must not wait longer than 0.05 s
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


def produce(items, first, count, batch=100, timeout=None):
    end = first + count
    for start in range(first, end, batch):
        items.put(list(range(start, min(start + batch, end))))
