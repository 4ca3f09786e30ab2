"""The timer is created but never started: nothing is ever called.

Caught by: test_a_delayed_call_runs_once_after_the_delay_in_its_own_thread, test_a_cancelled_call_never_runs_and_the_others_still_do
Says: start()
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar
from kata.runner import load_reference

load_reference("05_semaphores", globals())  # everything as in the reference solution, except:


def call_later(delay: float, fn: Callable[..., object], *args: object) -> threading.Timer:
    """Call ``fn(*args)`` once, in a thread of its own, ``delay`` seconds from now.

    Return at once, with the timer already started. Calling its ``cancel()`` before the
    delay is over calls the whole thing off: ``fn`` never runs, and the timer's thread
    ends straight away instead of waiting out the delay.
    """
    return threading.Timer(delay, fn, args)
