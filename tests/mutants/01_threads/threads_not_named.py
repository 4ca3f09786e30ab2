"""Leaves the threads with Python's default names (Thread-1, Thread-2 ...), not the
names of their jobs.

Caught by: test_each_worker_runs_in_its_own_thread_named_after_its_job
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager


class StillRunning(TimeoutError):
    """Raised by ``run_workers`` when workers are still running at its deadline; ``names`` lists them."""

    def __init__(self, names: list[str]) -> None:
        super().__init__("still running after the timeout: " + ", ".join(names))
        self.names = names


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
        threading.Thread(target=keep, args=(name, function, args))
        for name, (function, args) in jobs.items()
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    # join() returns None whether the thread ended or the time ran out: ask each one.
    unfinished = [name for name, thread in zip(jobs, threads) if thread.is_alive()]
    if unfinished:
        raise StillRunning(unfinished)
    return results


class Worker(threading.Thread):
    """A thread that calls ``fn(*args)`` and keeps what it returned or what it raised."""

    def __init__(self, name: str, fn: Callable[..., object], *args: object) -> None:
        """Set the thread up with this name (``Thread.__init__`` first) and remember ``fn``
        and ``args``. ``result`` and ``error`` start as None.
        """
        super().__init__(name=name)
        self.fn = fn
        self.fn_args = args
        self.result: object = None
        self.error: BaseException | None = None

    def run(self) -> None:
        """What the new thread runs once ``start()`` is called: call ``fn(*args)``; keep its
        return value in ``result``, or the exception it raised in ``error``.
        """
        try:
            self.result = self.fn(*self.fn_args)
        except Exception as exc:  # nobody is there to catch it for us: keep it for join()ers
            self.error = exc


def census() -> tuple[str, list[str], int]:
    """What the calling thread sees of its process's threads.

    Return (the calling thread's name, the names of all threads alive now, how many
    threads are alive now). The main thread and the calling thread count too.
    """
    return (
        threading.current_thread().name,
        [thread.name for thread in threading.enumerate()],
        threading.active_count(),
    )


def start_waiter(daemon: bool) -> threading.Thread:
    """Start a thread named "waiter" that reads one line from standard input, then ends.

    Make it a daemon thread if ``daemon`` is true. Return the started thread at once,
    without waiting for it. (The tests call this in a child interpreter, and watch
    whether the thread keeps that interpreter from exiting.)
    """
    waiter = threading.Thread(target=sys.stdin.readline, name="waiter", daemon=daemon)
    waiter.start()
    return waiter


@contextmanager
def recording_calls(calls: list[tuple[str, str]]) -> Iterator[None]:
    """In the ``with`` block, every thread started from then on appends ``(thread name,
    function name)`` to ``calls`` for each Python function it calls.

    Install a profiler for new threads with ``threading.setprofile``; it acts on "call"
    events. When the block ends, even by an exception, put back the profiler that was
    installed before.
    """

    def profiler(frame, event, arg):
        if event == "call":
            calls.append((threading.current_thread().name, frame.f_code.co_name))

    previous = threading.getprofile()
    threading.setprofile(profiler)
    try:
        yield
    finally:
        threading.setprofile(previous)


@contextmanager
def counting_lines(counts: Counter[str]) -> Iterator[None]:
    """In the ``with`` block, every thread started from then on adds 1 to
    ``counts[function name]`` for each line of Python it runs.

    Install a trace function for new threads with ``threading.settrace``. It is called
    with "call" as each function starts; to be told of that function's "line" events it
    must return a local trace function, which in turn returns itself. When the block
    ends, even by an exception, put back the trace function that was installed before.
    """

    def local(frame, event, arg):
        if event == "line":
            counts[frame.f_code.co_name] += 1
        return local  # what the documentation asks of a local trace function

    def tracer(frame, event, arg):
        return local if event == "call" else None

    previous = threading.gettrace()
    threading.settrace(tracer)
    try:
        yield
    finally:
        threading.settrace(previous)
