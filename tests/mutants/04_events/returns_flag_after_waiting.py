"""wait() waits on the Event, then returns is_set() instead of what wait() returned (as
code written for Python 2.6, whose Event.wait returned None, had to). A worker woken by
open() that runs only after close() returns False, though the gate opened for it.

Source: Python docs, threading.Event.wait: "Changed in version 2.7: Previously, the
method always returned None" and "This method returns True if and only if the internal
flag has been set to true, either before the wait call or after the wait starts"
(https://docs.python.org/3/library/threading.html#threading.Event.wait).

Caught by: test_open_then_close_at_once_still_lets_the_waiting_workers_through
Says: not is_set() looked at afterwards
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from kata.runner import load_reference

load_reference("04_events", globals())  # everything as in the reference solution, except:


class StartingGate(StartingGate):
    def wait(self, timeout: float | None = None) -> bool:
        self._open.wait(timeout)
        return self._open.is_set()  # the flag now, not whether the gate opened for us
