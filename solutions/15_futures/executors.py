"""15_futures: concurrent.futures, today's face of Pool and threads.

Reference solution. Each function is a few lines: an executor in a `with` block (so it
is always shut down), `submit` for each item, and the Future methods and module
functions that say what to wait for: `result()` in order, `as_completed`, `wait` and
`cancel()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    as_completed,
    wait,
)
from typing import Any


def run_in_processes(
    fn: Callable[[Any], Any], items: Iterable[Any], max_workers: int | None
) -> list:
    """Run fn(item) for every item on a ProcessPoolExecutor of at most ``max_workers``
    processes, all submitted at once, and return the results in the order of ``items``
    (no items: an empty list). ``max_workers=None`` leaves the number to the executor:
    one process per CPU.

    ``fn`` must be a module-level function: each task is pickled to a worker process. If
    a task raises, the same exception (same type) is raised here. The executor is shut
    down before returning, however this function ends.
    """
    with ProcessPoolExecutor(max_workers=max_workers) as pool:
        futures = [pool.submit(fn, item) for item in items]
        # result() waits for that one future: asking in submission order gives the
        # results in submission order, whatever order the tasks finished in.
        return [future.result() for future in futures]


def as_they_finish(
    fn: Callable[[Any], Any], items: Iterable[Any], max_workers: int | None
) -> Iterator[tuple[Any, Any]]:
    """Run fn(item) for every item on a ThreadPoolExecutor of at most ``max_workers``
    threads, and yield (item, result) pairs in the order the tasks finish (no items:
    nothing). ``max_workers=None`` leaves the number to the executor's default.

    A generator: each pair is handed over as soon as its task is done, without waiting
    for the others. When a task raised, its exception is raised here, at its turn. The
    executor is shut down when the generator ends.
    """
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        futures = {pool.submit(fn, item): item for item in items}
        for future in as_completed(futures):
            yield futures[future], future.result()


def first_result(executor: Executor, fn: Callable[[Any], Any], items: Iterable[Any]) -> Any:
    """Submit fn(item) for every item to the caller's ``executor``, return the result of
    whichever task finishes first, and cancel every task that has not started yet.

    Tasks already running cannot be cancelled; they are left to finish. The executor is
    the caller's: leave it running (do not shut it down, do not use it as a `with`
    block). Raise ValueError if there are no items; if the first task to finish raised,
    raise its exception (after cancelling the others, as when it returned).
    """
    futures = [executor.submit(fn, item) for item in items]
    if not futures:
        raise ValueError("first_result needs at least one item")
    done, not_done = wait(futures, return_when=FIRST_COMPLETED)
    for future in not_done:
        future.cancel()  # True for a task still queued; False (and no effect) once running
    return next(iter(done)).result()
