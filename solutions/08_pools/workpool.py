"""08_pools: run many tasks in a pool of k worker processes, results in order, errors raised.

Reference solution. One Pool of exactly `workers` processes takes every job with
apply_async; close() says no more jobs are coming; each result is collected with
get(timeout) in the order the jobs were given, which also raises a task's exception in
the caller; join() waits until every worker has exited. When a result is late,
terminate() stops the workers first: join() alone would wait for the late task.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable
from typing import Any


def run_all(
    task: Callable[..., Any],
    jobs: Iterable[tuple],
    workers: int,
    timeout: float | None = None,
) -> list:
    """Run ``task(*job)`` for every job in a pool of ``workers`` processes; return the results.

    - At most ``workers`` tasks run at once, and with enough jobs, ``workers`` do: use a
      ``multiprocessing.Pool`` of exactly that size, its processes reused job after job.
    - The results come back in the order of ``jobs``, whichever task finished first.
    - A task that raises makes ``run_all`` raise that same exception.
    - A result that is not ready within ``timeout`` seconds makes ``run_all`` raise
      ``multiprocessing.TimeoutError`` (``None``: wait as long as it takes).
    - When ``run_all`` returns or raises, the pool is shut and every one of its worker
      processes has exited and been joined: close() it, and join() it. When a result is
      late, terminate() it before join(): join() would wait for the late task.
    """
    pool = multiprocessing.Pool(processes=workers)
    try:
        pending = [pool.apply_async(task, tuple(job)) for job in jobs]
        pool.close()  # no more jobs: each worker leaves once the queue is empty
        return [result.get(timeout) for result in pending]  # in order; raises a task's error
    except multiprocessing.TimeoutError:
        pool.terminate()  # a task is late and may never end: stop the workers, don't wait
        raise
    finally:
        pool.join()  # until every worker has exited (after close(): once the queue is done)
