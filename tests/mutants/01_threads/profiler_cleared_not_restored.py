"""recording_calls ends by installing no profiler at all, instead of the one that was
there before.

Caught by: test_recording_calls_profiles_threads_started_in_the_block
Says: not the profiler installed before it
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
    """In the ``with`` block, every thread started from then on appends ``(thread name,
    function name)`` to ``calls`` for each Python function it calls.

    Install a profiler for new threads with ``threading.setprofile``; it acts on "call"
    events. When the block ends, even by an exception, put back the profiler that was
    installed before.
    """

    def profiler(frame, event, arg):
        if event == "call":
            calls.append((threading.current_thread().name, frame.f_code.co_name))

    previous = threading.getprofile()
    threading.setprofile(profiler)
    try:
        yield
    finally:
        threading.setprofile(None)
