"""recording_calls' profiler records on every event, not only on "call": each function
shows up on its "return" event as well, so every call is recorded twice.

Source: Python docs, sys.setprofile: the profile function is called with event "call",
"return", "c_call", "c_return" or "c_exception"
(https://docs.python.org/3/library/sys.html#sys.setprofile); a profiler must look at the
event it is given.

Caught by: test_recording_calls_profiles_threads_started_in_the_block
Says: record only the 'call' events
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from kata.runner import load_reference

load_reference("01_threads", globals())  # everything as in the reference solution, except:


@contextmanager
def recording_calls(calls: list[tuple[str, str]]) -> Iterator[None]:
    def profiler(frame, event, arg):
        calls.append((threading.current_thread().name, frame.f_code.co_name))

    previous = threading.getprofile()
    threading.setprofile(profiler)
    try:
        yield
    finally:
        threading.setprofile(previous)
