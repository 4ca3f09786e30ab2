"""produce puts with block=False: on a full queue it raises queue.Full at once, without
waiting the timeout it was given (and with timeout=None, which means wait as long as it
takes, it fails too).

Caught by: test_produce_waits_for_room_and_raises_queue_full_after_its_timeout
Says: not fail at once
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


def produce(items, first, count, batch=100, timeout=None):
    end = first + count
    for start in range(first, end, batch):
        items.put(list(range(start, min(start + batch, end))), block=False)
