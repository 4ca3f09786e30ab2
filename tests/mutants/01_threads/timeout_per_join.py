"""Gives every join() the whole timeout: with several stuck workers, run_workers waits
one timeout per stuck worker (three stuck workers, three timeouts) instead of at most
`timeout` in all.

Source: Python docs, threading.Thread.join: "When the timeout argument is present and not
None ... As join() always returns None, you must call is_alive() after join()": the
timeout is for that one call; several joins need one deadline shared between them
(https://docs.python.org/3/library/threading.html#threading.Thread.join).

Caught by: test_run_workers_gives_up_at_its_timeout_and_names_who_is_still_running
Says: one per stuck worker
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
    results: dict[str, object] = {}

    def keep(name: str, function: Callable[..., object], args: tuple) -> None:
        results[name] = function(*args)

    threads = [
        threading.Thread(target=keep, args=(name, function, args), name=name)
        for name, (function, args) in jobs.items()
    ]
    for thread in threads:
        thread.start()

    for thread in threads:
        thread.join(timeout)  # the whole timeout again for each thread
    unfinished = [thread.name for thread in threads if thread.is_alive()]
    if unfinished:
        raise StillRunning(unfinished)
    return results
