"""A Lock used as a turnstile (wait: acquire, then release at once; open: release),
but __init__ forgets to acquire it: the gate starts open and lets early workers
through.

Caught by: test_no_worker_passes_the_closed_gate
Says: before anyone opened it
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from kata.runner import load_reference

load_reference("04_events", globals())  # everything as in the reference solution, except:


class StartingGate:
    """A gate that holds every thread that calls ``wait`` until some thread opens it."""

    def __init__(self) -> None:
        """Create the gate closed."""
        self._turnstile = threading.Lock()  # should be acquired here: the gate starts open
        self._is_open = True

    @property
    def is_open(self) -> bool:
        """True while the gate is open."""
        return self._is_open

    def open(self) -> None:
        """Open the gate: the threads waiting at it pass now, and so does every later caller.

        The gate stays open until ``close`` is called.
        """
        if not self._is_open:
            self._is_open = True
            self._turnstile.release()

    def close(self) -> None:
        """Close the gate again: threads that call ``wait`` from now on are held."""
        if self._is_open:
            self._turnstile.acquire()
            self._is_open = False

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the gate is open and return True.

        With a ``timeout`` (seconds), give up after that long and return False if the gate
        is still closed. A waiting thread must sleep until ``open`` wakes it: it must not
        burn CPU checking a flag, nor sleep in slices and check again.
        """
        if not self._turnstile.acquire(timeout=-1 if timeout is None else timeout):
            return False
        self._turnstile.release()
        return True
