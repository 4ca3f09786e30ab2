"""04_events: a starting gate that holds workers until it opens, and a stop signal for loops.

Read README.md in this folder, then replace each ``raise NotImplementedError`` below.
Check your work with:  pytest exercises/04_events
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class StartingGate:
    """A gate that holds every thread that calls ``wait`` until some thread opens it."""

    def __init__(self) -> None:
        """Create the gate closed."""
        raise NotImplementedError

    @property
    def is_open(self) -> bool:
        """True while the gate is open."""
        raise NotImplementedError

    def open(self) -> None:
        """Open the gate: the threads waiting at it pass now, and so does every later caller.

        The gate stays open until ``close`` is called.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Close the gate again: threads that call ``wait`` from now on are held."""
        raise NotImplementedError

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the gate is open and return True.

        With a ``timeout`` (seconds), give up after that long and return False if the gate
        is still closed. A waiting thread must sleep until ``open`` wakes it: it must not
        burn CPU checking a flag, nor sleep in slices and check again.
        """
        raise NotImplementedError


def repeat_until_stopped(
    stop: threading.Event, step: Callable[[], object], pause: float = 0.0
) -> int:
    """Call ``step()`` again and again until ``stop`` is set; return how many calls were made.

    Look at ``stop`` before every call, so a stop that is already set means no call at all.
    Between two calls, pause for ``pause`` seconds without burning CPU, in such a way that
    setting ``stop`` ends the pause at once: a stopped loop must not sleep on.
    """
    raise NotImplementedError
