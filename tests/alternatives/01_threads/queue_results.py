"""Another right design: run_workers' threads hand their results back through a
queue.Queue of (name, value) pairs, and the caller takes them with get(timeout=what is
left of one deadline) until every job has reported, instead of joining each thread and
reading a shared dict; the jobs not reported by the deadline are the ones still running.
recording_calls and counting_lines are context-manager classes with __enter__/__exit__
(and the trace function an object with __call__) instead of @contextmanager generators.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from kata.runner import load_reference

load_reference("01_threads", globals())  # everything as in the reference solution, except:

_FAILED = object()  # reported by a job whose function raised: it ended, with no value


def run_workers(
    jobs: Mapping[str, tuple[Callable[..., object], tuple]], timeout: float
) -> dict[str, object]:
    reports: queue.Queue[tuple[str, object]] = queue.Queue()

    def report(name: str, function: Callable[..., object], args: tuple) -> None:
        value = _FAILED
        try:
            value = function(*args)
        finally:  # report even when the function raised, so nobody waits for it
            reports.put((name, value))

    threads = {
        name: threading.Thread(target=report, args=(name, function, args), name=name)
        for name, (function, args) in jobs.items()
    }
    for thread in threads.values():
        thread.start()
    deadline = time.monotonic() + timeout
    results: dict[str, object] = {}
    reported: set[str] = set()
    while len(reported) < len(threads):
        try:
            name, value = reports.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        reported.add(name)
        if value is not _FAILED:
            results[name] = value
    for name in reported:  # done with its job: let its thread end before we return
        threads[name].join(max(0.0, deadline - time.monotonic()))
    unfinished = [name for name in threads if name not in reported]
    if unfinished:
        raise StillRunning(unfinished)
    return results


class recording_calls:
    """In the with block, every new thread records (its name, each function it calls)."""

    def __init__(self, calls: list[tuple[str, str]]) -> None:
        self.calls = calls
        self.previous = None

    def _profile(self, frame, event, arg):
        if event == "call":
            self.calls.append((threading.current_thread().name, frame.f_code.co_name))

    def __enter__(self) -> None:
        self.previous = threading.getprofile()
        threading.setprofile(self._profile)

    def __exit__(self, *exc_info) -> None:
        threading.setprofile(self.previous)  # returns None: an exception goes on


class _LineCounter:
    """A global trace function that returns itself as the local one."""

    def __init__(self, counts: Counter[str]) -> None:
        self.counts = counts

    def __call__(self, frame, event, arg):
        if event == "line":
            self.counts[frame.f_code.co_name] += 1
        return self  # for "call": trace this frame's lines; for "line": go on tracing


class counting_lines:
    """In the with block, every new thread counts the lines each function runs."""

    def __init__(self, counts: Counter[str]) -> None:
        self.tracer = _LineCounter(counts)
        self.previous = None

    def __enter__(self) -> None:
        self.previous = threading.gettrace()
        threading.settrace(self.tracer)

    def __exit__(self, *exc_info) -> None:
        threading.settrace(self.previous)
