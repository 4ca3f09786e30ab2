"""Another right design: explicit ``while`` loops around Condition.wait(remaining), with
the deadline computed once, instead of wait_for; the items in a list used as a queue
(append, pop(0)); and notify_all() only on the changes that can let a waiter go on
instead of after every put and get: a put into an empty buffer (consumers wait only while
it is empty) and a get from a full one (producers wait only while it is full), and
close(). It is still notify_all(), never notify(): producers and consumers share the one
condition, so a single notify could wake the wrong kind of waiter.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from kata.runner import load_reference

load_reference("13_conditions", globals())  # everything as in the reference solution, except:


class BoundedBuffer:
    """A first-in, first-out buffer of at most ``capacity`` items, shared by many threads."""

    def __init__(self, capacity: int, condition: threading.Condition | None = None) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, not {capacity}")
        self._capacity = capacity
        self._items: list[object] = []
        self._closed = False
        self._condition = threading.Condition() if condition is None else condition

    def _wait(self, deadline: float | None) -> bool:
        """One wait on the condition (lock held); False if the deadline has passed."""
        if deadline is None:
            self._condition.wait()
            return True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        self._condition.wait(remaining)
        return True

    def put(self, item: object, timeout: float | None = None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._condition:
            while not self._closed and len(self._items) >= self._capacity:
                if not self._wait(deadline):
                    raise TimeoutError(f"the buffer stayed full for {timeout} s")
            if self._closed:
                raise Closed("put on a closed buffer")
            self._items.append(item)
            if len(self._items) == 1:  # it was empty: consumers may be waiting
                self._condition.notify_all()

    def get(self, timeout: float | None = None) -> object:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._condition:
            while not self._items and not self._closed:
                if not self._wait(deadline):
                    raise TimeoutError(f"the buffer stayed empty for {timeout} s")
            if not self._items:
                raise Closed("get on a closed, empty buffer")
            item = self._items.pop(0)
            if len(self._items) == self._capacity - 1:  # it was full: producers may be waiting
                self._condition.notify_all()
            return item

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def __len__(self) -> int:
        with self._condition:
            return len(self._items)
