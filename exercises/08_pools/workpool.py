"""08_pools: run many tasks in a pool of k worker processes, results in order, errors raised.

Read README.md in this folder, then replace the ``raise NotImplementedError`` below.
Check your work with:  pytest exercises/08_pools
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
    raise NotImplementedError
