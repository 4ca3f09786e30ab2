"""The loop pauses in 10 ms naps, looking at stop after each: prompt enough, but the
thread is woken a hundred times a second while nothing happens.

Caught by: test_a_pausing_loop_burns_no_cpu_and_sleeps
Says: woken up
"""

from __future__ import annotations

import time
import threading
from collections.abc import Callable
from kata.runner import load_reference

load_reference("04_events", globals())  # everything as in the reference solution, except:


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
        deadline = time.monotonic() + pause
        while not stop.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)
    return calls
