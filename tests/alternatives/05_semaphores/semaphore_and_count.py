"""Another right design: a plain threading.Semaphore does the waiting, and the car park
detects an over-release itself: it counts the parked cars under a Lock, and leave()
raises ValueError (changing nothing) when none is parked, before it releases the
semaphore. A learner who knows that a plain Semaphore never refuses a release can make it
safe this way instead of choosing BoundedSemaphore. The delayed call is a Timer made
daemon, so that a forgotten timer cannot keep the program from exiting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from kata.runner import load_reference

load_reference("05_semaphores", globals())  # everything as in the reference solution, except:


class CarPark:
    """A car park with a fixed number of spaces, used by many threads (the cars) at once."""

    def __init__(self, spaces: int) -> None:
        self._free = threading.Semaphore(spaces)
        self._count_lock = threading.Lock()
        self._parked = 0  # cars that entered and have not left; guarded by _count_lock

    def enter(self, timeout: float | None = None) -> bool:
        if not self._free.acquire(timeout=timeout):
            return False
        with self._count_lock:
            self._parked += 1
        return True

    def leave(self) -> None:
        with self._count_lock:
            if self._parked == 0:
                raise ValueError("leave() without a matching enter(): no car is parked")
            self._parked -= 1
        self._free.release()

    def visit(self, errand: Callable[[], T]) -> T:
        self.enter()  # without a timeout it waits until it gets a space
        try:
            return errand()
        finally:
            self.leave()


def call_later(delay: float, fn: Callable[..., object], *args: object) -> threading.Timer:
    timer = threading.Timer(delay, fn, args=args)
    timer.daemon = True
    timer.start()
    return timer
