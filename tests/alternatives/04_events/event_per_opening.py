"""Another right design: each closed spell of the gate is an Event of its own. wait()
waits on the Event that is current when it is called; open() sets it; close() starts a
fresh, unset Event for the threads that come later. A thread waiting when the gate
opened holds the old Event, which stays set, so open() then close() at once still lets
it through. The stop loop uses the pause's answer itself, like the reference.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from kata.runner import load_reference

load_reference("04_events", globals())  # everything as in the reference solution, except:


class StartingGate:
    """A gate that holds every thread that calls ``wait`` until some thread opens it."""

    def __init__(self) -> None:
        self._changing = threading.Lock()  # one open() or close() at a time
        self._current = threading.Event()

    @property
    def is_open(self) -> bool:
        return self._current.is_set()

    def open(self) -> None:
        with self._changing:
            self._current.set()

    def close(self) -> None:
        with self._changing:
            if self._current.is_set():
                self._current = threading.Event()  # those already let through keep the old one

    def wait(self, timeout: float | None = None) -> bool:
        return self._current.wait(timeout)


def repeat_until_stopped(
    stop: threading.Event, step: Callable[[], object], pause: float = 0.0
) -> int:
    calls = 0
    while not stop.is_set():
        step()
        calls += 1
        if pause > 0 and stop.wait(pause):
            return calls
    return calls
