"""Busy-waiting: wait() spins on a plain boolean until it turns true. Every waiting
thread keeps a CPU busy (and competes for the GIL with the thread that would open
the gate) the whole time the gate is shut.

Caught by: test_waiting_workers_sleep_until_the_gate_opens
Says: busy-waiting
"""

from __future__ import annotations

import time
import threading
from collections.abc import Callable


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
        return True


def repeat_until_stopped(
    stop: threading.Event, step: Callable[[], object], pause: float = 0.0
) -> int:
    """Call ``step()`` again and again until ``stop`` is set; return how many calls were made.

    Look at ``stop`` before every call, so a stop that is already set means no call at all.
    Between two calls, pause for ``pause`` seconds without burning CPU, in such a way that
    setting ``stop`` ends the pause at once: a stopped loop must not sleep on.
    """
    calls = 0
    while not stop.is_set():
        step()
        calls += 1
        # wait() returns True as soon as stop is set, False when the pause ran out.
        if pause > 0 and stop.wait(pause):
            break
    return calls
