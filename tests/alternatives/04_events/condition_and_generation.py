"""Another right design: the gate is a threading.Condition, a bool and a count of
openings instead of an Event. wait() sleeps in Condition.wait_for until the gate is open
or has opened since the waiter came (so open() then close() at once still lets every
waiting thread through, as an Event does); open() wakes every waiter with notify_all(),
close() clears the flag under the same lock. The stop loop is written as an endless
loop that looks at stop first and breaks, and it pauses with stop.wait(pause) whatever
that returns, since the check at the top of the loop sees a stop anyway.
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
        self._openings = 0  # how many times the gate has opened; guarded by _changed

    @property
    def is_open(self) -> bool:
        with self._changed:
            return self._open

    def open(self) -> None:
        with self._changed:
            if not self._open:
                self._open = True
                self._openings += 1
            self._changed.notify_all()  # every waiter, not one: they all may pass now

    def close(self) -> None:
        with self._changed:
            self._open = False

    def wait(self, timeout: float | None = None) -> bool:
        with self._changed:
            # A waiter passes if the gate is open, or if it opened since the waiter came,
            # even if it was closed again before the waiter got to run.
            came = self._openings
            return self._changed.wait_for(lambda: self._open or self._openings != came, timeout)


def repeat_until_stopped(
    stop: threading.Event, step: Callable[[], object], pause: float = 0.0
) -> int:
    calls = 0
    while True:
        if stop.is_set():
            return calls
        step()
        calls += 1
        if pause > 0:
            stop.wait(pause)  # ends early when stop is set; the check above then returns
