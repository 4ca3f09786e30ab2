"""enter(timeout) tries once without blocking (acquire(blocking=False)) instead of
waiting up to the timeout: on a full car park, enter(timeout=0.05) gives up at once,
though a space might have come free within the 50 ms.

Source: Python docs, threading.Semaphore.acquire: "When invoked with blocking set to
False, do not block. If a call without an argument would block, return False
immediately" versus "When invoked with a timeout other than None, it will block for at
most timeout seconds" (https://docs.python.org/3/library/threading.html#threading.Semaphore.acquire).

Caught by: test_a_car_is_refused_while_every_space_is_taken
Says: acquire(blocking=False) does not wait at all
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar
from kata.runner import load_reference

load_reference("05_semaphores", globals())  # everything as in the reference solution, except:


class CarPark(CarPark):
    def enter(self, timeout: float | None = None) -> bool:
        if timeout is None:
            return self._free.acquire()
        return self._free.acquire(blocking=False)  # "with a timeout, don't wait forever"
