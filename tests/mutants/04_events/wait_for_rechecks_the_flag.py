"""The gate is a Condition and a bool; wait() sleeps in
Condition.wait_for(lambda: self._open, timeout). A waiter woken by open() checks the
flag again before it returns: if close() came first, it finds the gate closed and goes
back to sleep, so open() followed at once by close() lets none of the waiting threads
through, though open() promises that every thread waiting at that moment passes.

Source: Python docs, threading.Event.wait: "returns True if and only if the internal
flag has been set to true, either before the wait call or after the wait starts"
(https://docs.python.org/3/library/threading.html#threading.Event.wait, quoted in
python/cpython#104168): a set() during the wait counts even if clear() follows.

Caught by: test_open_then_close_at_once_still_lets_the_waiting_workers_through
Says: it missed its opening
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from kata.runner import load_reference

load_reference("04_events", globals())  # everything as in the reference solution, except:


class StartingGate:
    """A gate that holds every thread that calls ``wait`` until some thread opens it."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._open = False  # guarded by _changed

    @property
    def is_open(self) -> bool:
        with self._changed:
            return self._open

    def open(self) -> None:
        with self._changed:
            self._open = True
            self._changed.notify_all()  # every waiter, not one: they all may pass now

    def close(self) -> None:
        with self._changed:
            self._open = False

    def wait(self, timeout: float | None = None) -> bool:
        with self._changed:
            # wait_for re-checks the flag after each wake-up, and returns its last value.
            return self._changed.wait_for(lambda: self._open, timeout)
