"""counting_lines puts the previous trace function back only if there was one
(`if previous is not None:`): when none was installed before the block, its tracer stays
installed, and every thread started afterwards is traced too.

Source: Python docs, sys.settrace / threading.settrace: tracing is turned off by setting
the trace function to None (https://docs.python.org/3/library/sys.html#sys.settrace);
None is a value to restore like any other.

Caught by: test_counting_lines_traces_each_line_of_threads_started_in_the_block
Says: even when that is None
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
def counting_lines(counts: Counter[str]) -> Iterator[None]:
    def local(frame, event, arg):
        if event == "line":
            counts[frame.f_code.co_name] += 1
        return local

    def tracer(frame, event, arg):
        return local if event == "call" else None

    previous = threading.gettrace()
    threading.settrace(tracer)
    try:
        yield
    finally:
        if previous is not None:  # "nothing to put back"
            threading.settrace(previous)
