"""put and get follow Lib/queue.py: when the timeout runs out they raise queue.Full and
queue.Empty, not the TimeoutError their docstrings promise. A caller that catches
TimeoutError lets them through.

Source: Python docs, queue.Queue.get: "If timeout is a positive number, it blocks at
most timeout seconds and raises the Empty exception if no item was available within
that time" (https://docs.python.org/3/library/queue.html#queue.Queue.get), and CPython's
Lib/queue.py, which the README says this buffer rebuilds.
Caught by: test_put_waits_while_full_and_goes_on_when_a_slot_frees, test_get_waits_while_empty_and_wakes_when_an_item_arrives
Says: queue.Queue's exceptions
"""

import queue

from kata.runner import load_reference

load_reference("13_conditions", globals())  # everything as in the reference solution, except:


def put(self, item, timeout=None):
    with self._condition:
        room = self._condition.wait_for(
            lambda: self._closed or len(self._items) < self._capacity, timeout
        )
        if self._closed:
            raise Closed("put on a closed buffer")
        if not room:
            raise queue.Full
        self._items.append(item)
        self._condition.notify_all()


def get(self, timeout=None):
    with self._condition:
        self._condition.wait_for(lambda: self._items or self._closed, timeout)
        if self._items:
            item = self._items.popleft()
            self._condition.notify_all()
            return item
        if self._closed:
            raise Closed("get on a closed, empty buffer")
        raise queue.Empty


BoundedBuffer.put = put
BoundedBuffer.get = get
