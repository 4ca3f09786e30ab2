"""13_conditions: a bounded buffer that producer and consumer threads share safely.

Reference solution. One condition guards the items and the closed flag. Every wait is a
``wait_for`` with a predicate, so a thread that wakes re-checks before it acts; every
change is announced with ``notify_all``, because producers and consumers wait on the same
condition and a single ``notify`` could wake the wrong kind of waiter.
"""

from __future__ import annotations

import threading
from collections import deque


class Closed(Exception):
    """Raised by ``put`` once the buffer is closed, and by ``get`` once it is closed and empty."""


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
        wait as long as it takes; ``0``: do not wait). The timeout is for the whole call:
        a wake-up that finds the buffer still full does not start it again.
        """
        with self._condition:
            room = self._condition.wait_for(
                lambda: self._closed or len(self._items) < self._capacity, timeout
            )
            if self._closed:
                raise Closed("put on a closed buffer")
            if not room:
                raise TimeoutError(f"the buffer stayed full for {timeout} s")
            self._items.append(item)
            self._condition.notify_all()

    def get(self, timeout: float | None = None) -> object:
        """Remove and return the oldest item; while the buffer is empty, wait for one.

        Once the buffer is closed, keep handing out the items still in it, then raise
        ``Closed``; a call that is waiting when the buffer is closed raises ``Closed`` too.
        Raise ``TimeoutError`` if no item arrives within ``timeout`` seconds (``None``: wait
        as long as it takes; ``0``: do not wait), however often it is woken up meanwhile.
        """
        with self._condition:
            ready = self._condition.wait_for(lambda: self._items or self._closed, timeout)
            if self._items:
                item = self._items.popleft()
                self._condition.notify_all()
                return item
            if self._closed:
                raise Closed("get on a closed, empty buffer")
            assert not ready
            raise TimeoutError(f"the buffer stayed empty for {timeout} s")

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
