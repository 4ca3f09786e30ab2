"""Waits with 'if' instead of 'while': a consumer woken by notify_all() takes an item
without checking that one is still there, and pops from an empty deque when another
consumer took it first.

Caught by: test_a_woken_consumer_checks_again_before_taking
Says: never with 'if not ...: wait()'
"""

from __future__ import annotations

import threading
from collections import deque
from kata.runner import load_reference

load_reference("13_conditions", globals())  # everything as in the reference solution, except:


class BoundedBuffer:
    """A first-in, first-out buffer of at most ``capacity`` items, shared by many threads."""

    def __init__(self, capacity: int, condition: threading.Condition | None = None) -> None:
        """Make an empty, open buffer for at most ``capacity`` items (``ValueError`` below 1).

        Guard everything with ``condition``, or with a new ``threading.Condition()`` when
        none is given: every wait and every notify of this buffer goes through that one
        condition. (The tests hand in a condition that reports who is waiting on it.)
        """
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, not {capacity}")
        self._capacity = capacity
        self._items: deque[object] = deque()
        self._closed = False
        self._condition = condition if condition is not None else threading.Condition()

    def put(self, item: object, timeout: float | None = None) -> None:
        """Add ``item`` at the end; while the buffer is full, wait for a free slot.

        Raise ``Closed`` if the buffer is closed, also when it is closed while this call
        waits. Raise ``TimeoutError`` if no slot frees within ``timeout`` seconds (``None``:
        wait as long as it takes).
        """
        with self._condition:
            if not self._closed and len(self._items) >= self._capacity:
                if not self._condition.wait(timeout):
                    raise TimeoutError(f"the buffer stayed full for {timeout} s")
            if self._closed:
                raise Closed("put on a closed buffer")
            self._items.append(item)
            self._condition.notify_all()

    def get(self, timeout: float | None = None) -> object:
        """Remove and return the oldest item; while the buffer is empty, wait for one.

        Once the buffer is closed, keep handing out the items still in it, then raise
        ``Closed``; a call that is waiting when the buffer is closed raises ``Closed`` too.
        Raise ``TimeoutError`` if no item arrives within ``timeout`` seconds (``None``: wait
        as long as it takes).
        """
        with self._condition:
            if not self._items and not self._closed:
                if not self._condition.wait(timeout):
                    raise TimeoutError(f"the buffer stayed empty for {timeout} s")
            if self._closed and not self._items:
                raise Closed("get on a closed, empty buffer")
            item = self._items.popleft()
            self._condition.notify_all()
            return item

    def close(self) -> None:
        """Close the buffer and wake every thread waiting in ``put`` or ``get``.

        Items already in the buffer stay there for ``get`` to hand out.
        """
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def __len__(self) -> int:
        """How many items are in the buffer now."""
        with self._condition:
            return len(self._items)
