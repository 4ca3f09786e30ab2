"""counting_lines installs its trace function with sys.settrace: only the calling
thread is traced, not the threads started afterwards.

Caught by: test_counting_lines_traces_each_line_of_threads_started_in_the_block
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
    """In the ``with`` block, every thread started from then on adds 1 to
    ``counts[function name]`` for each line of Python it runs.

    Install a trace function for new threads with ``threading.settrace``. It is called
    with "call" as each function starts; to be told of that function's "line" events it
    must return a local trace function, which in turn returns itself. When the block
    ends, even by an exception, put back the trace function that was installed before.
    """

    def local(frame, event, arg):
        if event == "line":
            counts[frame.f_code.co_name] += 1
        return local  # what the documentation asks of a local trace function

    def tracer(frame, event, arg):
        return local if event == "call" else None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(previous)
