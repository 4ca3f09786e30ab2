"""wait() drops its timeout and blocks until the gate opens: wait(0.03) on a shut gate
never returns.

Caught by: test_wait_with_a_timeout_returns_false_while_the_gate_is_shut, test_close_holds_workers_again
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
        self._open = threading.Event()  # a new Event's flag is false: closed

    @property
    def is_open(self) -> bool:
        """True while the gate is open."""
        return self._open.is_set()

    def open(self) -> None:
        """Open the gate: the threads waiting at it pass now, and so does every later caller.

        The gate stays open until ``close`` is called.
        """
        self._open.set()

    def close(self) -> None:
        """Close the gate again: threads that call ``wait`` from now on are held."""
        self._open.clear()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the gate is open and return True.

        With a ``timeout`` (seconds), give up after that long and return False if the gate
        is still closed. A waiting thread must sleep until ``open`` wakes it: it must not
        burn CPU checking a flag, nor sleep in slices and check again.
        """
        self._open.wait()
        return True
