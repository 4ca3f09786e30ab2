"""15_futures: concurrent.futures, today's face of Pool and threads.

Read README.md in this folder, then replace each ``raise NotImplementedError`` below.
Check your work with:  pytest exercises/15_futures

The task functions the tests hand to run_in_processes live at module level in another
module, as a ProcessPoolExecutor needs (the README says why): your code only runs them.
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
    raise NotImplementedError


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
    raise NotImplementedError


def first_result(executor: Executor, fn: Callable[[Any], Any], items: Iterable[Any]) -> Any:
    """Submit fn(item) for every item to the caller's ``executor``, return the result of
    whichever task finishes first, and cancel every task that has not started yet.

    Tasks already running cannot be cancelled; they are left to finish. The executor is
    the caller's: leave it running (do not shut it down, do not use it as a `with`
    block). Raise ValueError if there are no items; if the first task to finish raised,
    raise its exception (after cancelling the others, as when it returned).
    """
    raise NotImplementedError
