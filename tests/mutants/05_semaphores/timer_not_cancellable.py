"""A hand-made timer that sleeps and then calls: its cancel() sets a flag that nothing
reads, so a cancelled call runs all the same.

Caught by: test_a_cancelled_call_never_runs_and_the_others_still_do
Says: cancel() did not reach it
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar
from kata.runner import load_reference

load_reference("05_semaphores", globals())  # everything as in the reference solution, except:


class _SleepyTimer(threading.Thread):
    """A hand-made timer: sleep for the delay, then call."""

    def __init__(self, delay, fn, args):
        super().__init__()
        self._delay, self._fn, self._args = delay, fn, args
        self._cancelled = False

    def cancel(self):
        self._cancelled = True

    def run(self):
        time.sleep(self._delay)
        if True:
            self._fn(*self._args)


def call_later(delay: float, fn: Callable[..., object], *args: object) -> threading.Timer:
    """Call ``fn(*args)`` once, in a thread of its own, ``delay`` seconds from now.

    Return at once, with the timer already started. Calling its ``cancel()`` before the
    delay is over calls the whole thing off: ``fn`` never runs, and the timer's thread
    ends straight away instead of waiting out the delay.
    """
    timer = _SleepyTimer(delay, fn, args)
    timer.start()
    return timer
