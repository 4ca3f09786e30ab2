"""Sleep-and-check with a 50 ms nap: wait() sleeps, looks at a boolean, sleeps again.
Waiters notice the gate opened only at their next look, up to 50 ms late.

Caught by: test_opening_releases_every_waiting_worker_at_once
Says: sleep-and-check
"""

from __future__ import annotations

import time
import threading
from collections.abc import Callable
from kata.runner import load_reference

load_reference("04_events", globals())  # everything as in the reference solution, except:


class StartingGate:
    """A gate that holds every thread that calls ``wait`` until some thread opens it."""

    def __init__(self) -> None:
        """Create the gate closed."""
        self._open = False

    @property
    def is_open(self) -> bool:
        """True while the gate is open."""
        return self._open

    def open(self) -> None:
        """Open the gate: the threads waiting at it pass now, and so does every later caller.

        The gate stays open until ``close`` is called.
        """
        self._open = True

    def close(self) -> None:
        """Close the gate again: threads that call ``wait`` from now on are held."""
        self._open = False

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the gate is open and return True.

        With a ``timeout`` (seconds), give up after that long and return False if the gate
        is still closed. A waiting thread must sleep until ``open`` wakes it: it must not
        burn CPU checking a flag, nor sleep in slices and check again.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._open:
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True
