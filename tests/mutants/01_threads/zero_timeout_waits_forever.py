"""Treats timeout=0 as "no timeout" ('if timeout:' is false for 0): run_workers(jobs, 0)
joins with no timeout and waits forever for a stuck worker, instead of not waiting.

Source: justiniso/polling issue 26, "Passing timeout=0 to poll() behaves like
poll_forever" (https://github.com/justiniso/polling/issues/26): the line
`max_time = time.time() + timeout if timeout else None`.

Caught by: test_run_workers_gives_up_at_its_timeout_and_names_who_is_still_running
Says: 'if timeout:' treats 0 as no timeout
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

    deadline = time.monotonic() + timeout if timeout else None
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) if deadline is not None else None)
    unfinished = [thread.name for thread in threads if thread.is_alive()]
    if unfinished:
        raise StillRunning(unfinished)
    return results
