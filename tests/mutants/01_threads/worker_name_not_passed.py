"""Worker calls Thread.__init__ without the name, so the thread keeps a default name
like Thread-3.

Caught by: test_worker_subclass_runs_its_function_in_its_own_thread
Says: pass the name on
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
        super().__init__()
        self.fn = fn
        self.fn_args = args
        self.result: object = None
        self.error: BaseException | None = None

    def run(self) -> None:
        """What the new thread runs once ``start()`` is called: call ``fn(*args)``; keep its
        return value in ``result``, or the exception it raised in ``error``.
        """
        try:
            self.result = self.fn(*self.fn_args)
        except Exception as exc:  # nobody is there to catch it for us: keep it for join()ers
            self.error = exc
