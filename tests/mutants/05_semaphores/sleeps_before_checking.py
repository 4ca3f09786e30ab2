"""A hand-made timer that sleeps out the whole delay and only then looks whether it was
cancelled: the call is skipped, but cancel() cannot wake it, so its thread lingers for
the full delay.

Caught by: test_a_cancelled_call_never_runs_and_the_others_still_do
Says: sleeps out the whole delay
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class CarPark:
    """A car park with a fixed number of spaces, used by many threads (the cars) at once.

    At most ``spaces`` cars are parked at any moment; a car that arrives while every
    space is taken waits at the gate until another car leaves.
    """

    def __init__(self, spaces: int) -> None:
        """Create the one semaphore that counts this car park's free spaces.

        Make it a ``threading.BoundedSemaphore``: besides counting, it refuses to be
        released more often than it was acquired.
        """
        # Bounded: a leave() without a matching enter() raises instead of adding a space.
        self._free = threading.BoundedSemaphore(spaces)

    def enter(self, timeout: float | None = None) -> bool:
        """Take a free space, waiting at the gate while the car park is full.

        Return True once a space is taken. With a ``timeout`` (in seconds), give up if
        no space has come free by then: take nothing and return False.
        """
        return self._free.acquire(timeout=timeout)

    def leave(self) -> None:
        """Give a space back, so that a car waiting at the gate can enter.

        Leaving more often than cars entered is a bug in the caller: raise
        ``ValueError`` and change nothing.
        """
        self._free.release()

    def visit(self, errand: Callable[[], T]) -> T:
        """Enter (waiting for a space if need be), call ``errand()`` while parked, then leave.

        Return what ``errand`` returns. The space is given back however the errand ends:
        if it raises, leave all the same and let its exception go on to the caller.
        """
        with self._free:  # acquire() now, release() when the block ends, even by an exception
            return errand()


class _SleepyTimer(threading.Thread):
    """A hand-made timer: sleep for the delay, then call."""

    def __init__(self, delay, fn, args):
        super().__init__()
        self._delay, self._fn, self._args = delay, fn, args
        self._cancelled = False

    def cancel(self):
        self._cancelled = True

    def run(self):
        time.sleep(self._delay)
        if not self._cancelled:
            self._fn(*self._args)


def call_later(delay: float, fn: Callable[..., object], *args: object) -> threading.Timer:
    """Call ``fn(*args)`` once, in a thread of its own, ``delay`` seconds from now.

    Return at once, with the timer already started. Calling its ``cancel()`` before the
    delay is over calls the whole thing off: ``fn`` never runs, and the timer's thread
    ends straight away instead of waiting out the delay.
    """
    timer = _SleepyTimer(delay, fn, args)
    timer.start()
    return timer
