"""The loop ignores pause and calls step back to back.

Caught by: test_the_loop_pauses_between_steps
"""

from __future__ import annotations

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
    return calls
