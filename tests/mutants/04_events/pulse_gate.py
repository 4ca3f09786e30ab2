"""open() only wakes the threads waiting at that moment (Condition.notify_all) and the
gate remembers nothing: a thread that arrives after open() waits for the next pulse.

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
        self._changed = threading.Condition()
        self._is_open = False

    @property
    def is_open(self) -> bool:
        """True while the gate is open."""
        return self._is_open

    def open(self) -> None:
        """Open the gate: the threads waiting at it pass now, and so does every later caller.

        The gate stays open until ``close`` is called.
        """
        with self._changed:
            self._is_open = True
            self._changed.notify_all()

    def close(self) -> None:
        """Close the gate again: threads that call ``wait`` from now on are held."""
        self._is_open = False

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the gate is open and return True.

        With a ``timeout`` (seconds), give up after that long and return False if the gate
        is still closed. A waiting thread must sleep until ``open`` wakes it: it must not
        burn CPU checking a flag, nor sleep in slices and check again.
        """
        with self._changed:
            return self._changed.wait(timeout)
