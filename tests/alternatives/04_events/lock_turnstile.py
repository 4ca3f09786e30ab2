"""Another right design: the gate is a turnstile made of a threading.Lock instead of an
Event. The gate holds the lock while it is closed (acquired in __init__); a waiter
passes by acquiring it and releasing it at once, so once open() has released it every
waiter goes through, one right after another, and a closed gate keeps them asleep in
acquire(). A plain Lock (not an RLock) may be released by a thread other than the one
that acquired it, which is what open() does. A second lock keeps open() and close()
from interleaving, and the ``_is_open`` flag stops a second open() from releasing an
unlocked lock. The stop loop is a generator that yields once per step, counted by sum().
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

from kata.runner import load_reference

load_reference("04_events", globals())  # everything as in the reference solution, except:


class StartingGate:
    """A gate that holds every thread that calls ``wait`` until some thread opens it."""

    def __init__(self) -> None:
        self._turnstile = threading.Lock()
        self._turnstile.acquire()  # held by the gate: closed
        self._is_open = False
        self._changing = threading.Lock()  # one open() or close() at a time

    @property
    def is_open(self) -> bool:
        return self._is_open

    def open(self) -> None:
        with self._changing:
            if not self._is_open:
                self._is_open = True
                self._turnstile.release()

    def close(self) -> None:
        with self._changing:
            if self._is_open:
                self._turnstile.acquire()  # waits only while a waiter is passing through
                self._is_open = False

    def wait(self, timeout: float | None = None) -> bool:
        if not self._turnstile.acquire(timeout=-1 if timeout is None else timeout):
            return False
        self._turnstile.release()  # let the next one through
        return True


def repeat_until_stopped(
    stop: threading.Event, step: Callable[[], object], pause: float = 0.0
) -> int:
    def steps():
        for count in itertools.count():
            if count and pause > 0:
                stop.wait(pause)  # between two steps; a stop ends it at once
            if stop.is_set():  # before every step, the first one included
                return
            step()
            yield

    return sum(1 for _ in steps())
