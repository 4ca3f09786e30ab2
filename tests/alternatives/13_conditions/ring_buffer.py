"""Another right design: the items live in a fixed-size ring (a list of ``capacity``
slots, the index of the oldest item, and a count) instead of a deque, as a C programmer
would write a bounded buffer; "full" is ``count == capacity``. The waiting is the
condition's wait_for with a predicate and notify_all after each change, as in the
reference, and a slot is cleared when its item is taken so the buffer keeps no
reference to it.
"""

from __future__ import annotations

import threading

from kata.runner import load_reference

load_reference("13_conditions", globals())  # everything as in the reference solution, except:


class BoundedBuffer:
    """A first-in, first-out buffer of at most ``capacity`` items, shared by many threads."""

    def __init__(self, capacity: int, condition: threading.Condition | None = None) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, not {capacity}")
        self._slots: list[object] = [None] * capacity
        self._head = 0  # index of the oldest item
        self._count = 0
        self._closed = False
        self._condition = condition or threading.Condition()

    def put(self, item: object, timeout: float | None = None) -> None:
        with self._condition:
            room = self._condition.wait_for(
                lambda: self._closed or self._count < len(self._slots), timeout
            )
            if self._closed:
                raise Closed("put on a closed buffer")
            if not room:
                raise TimeoutError(f"the buffer stayed full for {timeout} s")
            self._slots[(self._head + self._count) % len(self._slots)] = item
            self._count += 1
            self._condition.notify_all()

    def get(self, timeout: float | None = None) -> object:
        with self._condition:
            self._condition.wait_for(lambda: self._count or self._closed, timeout)
            if self._count == 0:
                if self._closed:
                    raise Closed("get on a closed, empty buffer")
                raise TimeoutError(f"the buffer stayed empty for {timeout} s")
            item, self._slots[self._head] = self._slots[self._head], None
            self._head = (self._head + 1) % len(self._slots)
            self._count -= 1
            self._condition.notify_all()
            return item

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def __len__(self) -> int:
        with self._condition:
            return self._count
