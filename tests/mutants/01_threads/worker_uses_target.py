"""Worker hands fn to Thread as its target instead of overriding run(): Thread.run
calls it and throws the return value away, so result stays None, and an exception
goes to threading.excepthook instead of into error.

Caught by: test_worker_subclass_runs_its_function_in_its_own_thread, test_worker_keeps_the_exception_its_function_raised
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


class Worker(threading.Thread):
    """A thread that calls ``fn(*args)`` and keeps what it returned or what it raised."""

    def __init__(self, name: str, fn: Callable[..., object], *args: object) -> None:
        """Set the thread up with this name (``Thread.__init__`` first) and remember ``fn``
        and ``args``. ``result`` and ``error`` start as None.
        """
        super().__init__(name=name, target=fn, args=args)
        self.fn = fn
        self.fn_args = args
        self.result: object = None
        self.error: BaseException | None = None
