"""recording_calls installs its profiler with threading.setprofile and, to be sure, with
sys.setprofile too: the thread running the with block is profiled as well, though only threads started in the block should be.

Source: Python docs, threading.setprofile: "Set a profile function for all threads
started from the threading module" versus sys.setprofile, which profiles the calling
thread (https://docs.python.org/3/library/threading.html#threading.setprofile).

Caught by: test_recording_calls_profiles_threads_started_in_the_block
Says: Only threads started inside the block are to be profiled
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
        if event == "call":
            calls.append((threading.current_thread().name, frame.f_code.co_name))

    previous = threading.getprofile()
    threading.setprofile(profiler)
    sys.setprofile(profiler)
    try:
        yield
    finally:
        threading.setprofile(previous)
        sys.setprofile(None)
