"""12_gil: the right workers for the work: processes for CPU-bound, threads for I/O-bound.

Read README.md in this folder, then replace each ``raise NotImplementedError`` below.
Check your work with:  pytest exercises/12_gil
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any


def run_cpu_bound(tasks: Sequence[Callable[[], Any]], workers: int | None = None) -> list:
    """Run every task (a callable taking no arguments) in worker processes; return the
    results in the order of ``tasks`` (no tasks: an empty list, at once).

    Use one pool of at most ``workers`` processes (default: ``os.cpu_count()``), reused
    for every task, with every task handed to the pool before waiting for any result, so
    that the processes work at the same time. Each task is pickled to a worker, so it
    must be picklable (a module-level function or object). If a task raises, the same
    exception is raised here. The pool is shut down before returning, however this ends.
    """
    raise NotImplementedError


def run_io_bound(tasks: Sequence[Callable[[], Any]], max_threads: int = 32) -> list:
    """Run every task (a callable taking no arguments) in threads of this process;
    return the results in the order of ``tasks`` (no tasks: an empty list, at once).

    Up to ``max_threads`` tasks run at once, each in a thread of its own, so that their
    waits overlap; never more than ``max_threads`` threads. No processes: a task that
    mostly waits gains nothing from one, and pays for its start-up and for pickling. If
    a task raises, the same exception is raised here. Every thread has ended before this
    returns, however it ends.
    """
    raise NotImplementedError


def gil_enabled() -> bool:
    """Is the GIL on in this interpreter, now?

    ``sys._is_gil_enabled()`` answers on Python 3.13 and newer. Before 3.13 it does not
    exist, and there is always a GIL. On a free-threaded build (3.13t) it can still be
    on: turned on by ``PYTHON_GIL=1`` or by importing an extension module not marked as
    safe without it, so ask the interpreter, not how it was built.
    """
    raise NotImplementedError
