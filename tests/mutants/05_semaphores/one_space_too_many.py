"""Off by one, upwards: the semaphore is created with spaces + 1 permits, so one car
more than there are spaces gets in.

Caught by: test_a_car_is_refused_while_every_space_is_taken, test_leaving_more_often_than_entering_raises_value_error
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar
from kata.runner import load_reference

load_reference("05_semaphores", globals())  # everything as in the reference solution, except:


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
        self._free = threading.BoundedSemaphore(spaces + 1)

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
