"""Another right design: the car park counts its free spaces itself, in an int guarded by
a threading.Condition, instead of using a BoundedSemaphore. enter() waits with
wait_for(free > 0, timeout) and takes one; leave() refuses with ValueError, changing
nothing, when every space is already free, and otherwise gives one back and wakes one
waiting car with notify() (one space frees, so one car can use it: every waiter waits for
the same thing). visit() pairs enter() and leave() with try/finally instead of a with
block. call_later passes the arguments bound with functools.partial instead of Timer's
args tuple.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TypeVar

from kata.runner import load_reference

load_reference("05_semaphores", globals())  # everything as in the reference solution, except:


class CarPark:
    """A car park with a fixed number of spaces, used by many threads (the cars) at once."""

    def __init__(self, spaces: int) -> None:
        self._spaces = spaces
        self._free = spaces  # guarded by _changed
        self._changed = threading.Condition()

    def enter(self, timeout: float | None = None) -> bool:
        with self._changed:
            if not self._changed.wait_for(lambda: self._free > 0, timeout):
                return False
            self._free -= 1
            return True

    def leave(self) -> None:
        with self._changed:
            if self._free >= self._spaces:
                raise ValueError("leave() without a matching enter(): every space is already free")
            self._free += 1
            self._changed.notify()

    def visit(self, errand: Callable[[], T]) -> T:
        self.enter()
        try:
            return errand()
        finally:
            self.leave()


def call_later(delay: float, fn: Callable[..., object], *args: object) -> threading.Timer:
    timer = threading.Timer(delay, functools.partial(fn, *args))
    timer.start()
    return timer
