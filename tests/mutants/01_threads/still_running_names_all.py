"""Raises StillRunning when any thread is still alive, but names every job, the
finished ones too.

Caught by: test_run_workers_gives_up_at_its_timeout_and_names_who_is_still_running
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


def run_workers(
    jobs: Mapping[str, tuple[Callable[..., object], tuple]], timeout: float
) -> dict[str, object]:
    """Run every job in a thread of its own; return what each returned, by job name.

    ``jobs`` maps a name to ``(function, args)``. Start one thread per job, named after
    the job, that calls ``function(*args)``; start them all before waiting for any. Then
    wait for them, for at most ``timeout`` seconds in all. If some are still running at
    that point, raise ``StillRunning`` with the names of those (and only those). Else
    return ``{name: what function(*args) returned}``.
    """
    results: dict[str, object] = {}

    def keep(name: str, function: Callable[..., object], args: tuple) -> None:
        # A thread's target has nowhere to return to: keep the value where the caller
        # can find it. Each thread writes its own key, so no two write the same entry.
        results[name] = function(*args)

    threads = [
        threading.Thread(target=keep, args=(name, function, args), name=name)
        for name, (function, args) in jobs.items()
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    # join() returns None whether the thread ended or the time ran out: ask each one.
    unfinished = [thread.name for thread in threads if thread.is_alive()]
    if unfinished:
        raise StillRunning(list(jobs))
    return results
