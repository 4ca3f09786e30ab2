"""The gate is a Lock held while the gate is closed: open() releases it, close()
acquires it, wait() acquires and releases it at once. Nothing guards the state: a
second open() raises RuntimeError ("release unlocked lock"), and close() on a closed gate
acquires a Lock its own thread already holds, and waits forever.

Source: Python docs, threading.Lock: "When invoked on an unlocked lock, a RuntimeError is
raised" (Lock.release), and a Lock is not re-entrant: acquire() by the thread that holds
it blocks (https://docs.python.org/3/library/threading.html#lock-objects).

Caught by: test_close_holds_workers_again
Says: close() on a gate that is already closed should return at once
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
        self._closed = threading.Lock()
        self._closed.acquire()

    @property
    def is_open(self) -> bool:
        """True while the gate is open."""
        return not self._closed.locked()

    def open(self) -> None:
        self._closed.release()

    def close(self) -> None:
        self._closed.acquire()

    def wait(self, timeout: float | None = None) -> bool:
        if not self._closed.acquire(timeout=-1 if timeout is None else timeout):
            return False
        self._closed.release()
        return True
