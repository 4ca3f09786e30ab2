"""12_gil: the right workers for the work: processes for CPU-bound, threads for I/O-bound.

Reference solution. Both runners are the same few lines around a different executor:
submit every task at once, then ask the futures for their results in task order.
ProcessPoolExecutor gives each worker an interpreter (and a GIL) of its own, so
CPU-bound tasks run on several cores at once; ThreadPoolExecutor's threads share one
interpreter, which is fine for tasks that spend their time waiting, because a waiting
thread lets go of the GIL.
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
    tasks = list(tasks)
    if not tasks:
        return []
    workers = workers or os.cpu_count() or 1
    # No more processes than tasks: each one costs a start-up.
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks))) as pool:
        # submit() returns at once: every task is queued before we wait for any.
        futures = [pool.submit(task) for task in tasks]
        # result() waits for that one task and raises its exception, if it raised. Asking
        # in submission order gives the results in task order, whatever finished first.
        return [future.result() for future in futures]


def run_io_bound(tasks: Sequence[Callable[[], Any]], max_threads: int = 32) -> list:
    """Run every task (a callable taking no arguments) in threads of this process;
    return the results in the order of ``tasks`` (no tasks: an empty list, at once).

    Up to ``max_threads`` tasks run at once, each in a thread of its own, so that their
    waits overlap; never more than ``max_threads`` threads. No processes: a task that
    mostly waits gains nothing from one, and pays for its start-up and for pickling. If
    a task raises, the same exception is raised here. Every thread has ended before this
    returns, however it ends.
    """
    tasks = list(tasks)
    if not tasks:
        return []
    # As many threads as tasks, up to the cap: waiting threads cost little, and each
    # waiting task needs a thread of its own for the waits to overlap.
    with ThreadPoolExecutor(max_workers=min(max_threads, len(tasks))) as pool:
        futures = [pool.submit(task) for task in tasks]
        return [future.result() for future in futures]


def gil_enabled() -> bool:
    """Is the GIL on in this interpreter, now?

    ``sys._is_gil_enabled()`` answers on Python 3.13 and newer. Before 3.13 it does not
    exist, and there is always a GIL. On a free-threaded build (3.13t) it can still be
    on: turned on by ``PYTHON_GIL=1`` or by importing an extension module not marked as
    safe without it, so ask the interpreter, not how it was built.
    """
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    if is_enabled is None:  # Python 3.12 and older: the GIL is always there
        return True
    return bool(is_enabled())
