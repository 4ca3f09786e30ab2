"""Jobs the 02_processes tests hand to run_children. Each one runs in a child process.

Every job first checks that it is not running in the test's own process: a job called
through Process.run(), or in a thread, would otherwise do there what it does to a child
(exit, or kill itself, and the test run with it). It raises RanInTheTestProcess instead,
which says what went wrong.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time


class RanInTheTestProcess(RuntimeError):
    pass


def _must_be_a_child(test_pid: int) -> None:
    if os.getpid() == test_pid:
        raise RanInTheTestProcess(
            f"a job meant for a child process ran in the test's own process (pid {test_pid}). "
            "Process.run() calls the target right there, in the caller, like a plain call; "
            "only start() makes a new process (which then calls run()). A threading.Thread "
            "would run it inside this process too."
        )


def tell_who_i_am(test_pid: int, replies) -> None:
    """Reply with this process's name, pid, os.getppid() and multiprocessing's parent pid."""
    _must_be_a_child(test_pid)
    parent = multiprocessing.parent_process()
    replies.put(
        {
            "name": multiprocessing.current_process().name,
            "pid": os.getpid(),
            "ppid": os.getppid(),
            "parent": parent.pid if parent is not None else None,
        }
    )


def meet(test_pid: int, barrier, seconds: float, replies) -> None:
    """Wait at `barrier` for the other children; exit with code 3 if they never come."""
    _must_be_a_child(test_pid)
    name = multiprocessing.current_process().name
    replies.put((time.monotonic(), name, "started, waits for the others"))
    try:
        barrier.wait(seconds)
    except threading.BrokenBarrierError:
        replies.put((time.monotonic(), name, "gave up waiting, exits with code 3"))
        sys.exit(3)
    replies.put((time.monotonic(), name, "met the others, exits with code 0"))


def _held(test_pid: int, go, started) -> None:
    """Say "started" (this child's name on `started`), then wait until the test sets `go`."""
    _must_be_a_child(test_pid)
    started.put(multiprocessing.current_process().name)
    go.wait(30)  # bounded, so that a failed test cannot keep it for ever


def succeed(test_pid: int, go, started) -> str:
    """Return a value. A process throws its target's return value away: exit code 0."""
    _held(test_pid, go, started)
    return "a return value that no one receives"


def fail(test_pid: int, go, started) -> None:
    """Raise. The child prints the traceback on its stderr and exits with code 1."""
    _held(test_pid, go, started)
    raise ValueError(
        "raised on purpose by the test's 'raises' job: in a child process an exception "
        "goes no further than this traceback; the parent only sees exit code 1"
    )


def exit_with(test_pid: int, go, started, code: int) -> None:
    """sys.exit(code): the child's exit code is `code`."""
    _held(test_pid, go, started)
    sys.exit(code)


def kill_myself(test_pid: int, go, started) -> None:
    """End this process as another's kill() would: SIGKILL, exit code -9 (Windows, which
    has no signals: TerminateProcess, reported as -15; see kata.processes.kill_self)."""
    _held(test_pid, go, started)
    from kata import processes  # here: the other jobs need no psutil

    processes.kill_self()


def hang(test_pid: int, seconds: float) -> None:
    """Never end by itself (well, not for `seconds`)."""
    _must_be_a_child(test_pid)
    time.sleep(seconds)
