"""close() makes a new Event (self._open = threading.Event()) instead of clearing the
one it has. A thread already blocked in wait() is still waiting on the old Event, which
nobody will ever set again: a close() while it waits (even on a gate that is already
closed) strands it, and the next open() sets the new Event and wakes nobody. Threads
that come later wait on the new Event, so every single-threaded check still passes.

Source: Python docs, threading.Event.clear: "Reset the internal flag to false.
Subsequently, threads calling wait() will block until set() is called to set the
internal flag to true again" (https://docs.python.org/3/library/threading.html#threading.Event.clear):
clear() resets the same flag the waiters sleep on; a new Event is a different flag.

Caught by: test_close_holds_workers_again
Says: strands the threads already waiting
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
        self._open = threading.Event()  # a fresh, unset Event: "cleared"

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the gate is open and return True.

        With a ``timeout`` (seconds), give up after that long and return False if the gate
        is still closed. A waiting thread must sleep until ``open`` wakes it: it must not
        burn CPU checking a flag, nor sleep in slices and check again.
        """
        return self._open.wait(timeout)
