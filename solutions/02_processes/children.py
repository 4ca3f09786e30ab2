"""02_processes: work run in child processes, with their own pids, memory and exit codes.

Reference solution. Every job gets a multiprocessing.Process of its own; all are started
before any is waited for, and all are waited for with one deadline. A child still running
at the deadline is stopped (terminate, then kill), and every child is joined, so each
report holds a real exit code. A child's failure reaches the parent only as that exit
code, and a child's change to a global stays in the child.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.queues import Queue
from typing import NamedTuple

# A module-level global. Every process that imports this module has a copy of its own.
COUNTER = 0

# How long a child sent SIGTERM gets to end before it is sent SIGKILL. The README asks
# for terminate(), then kill() if the child is still alive; how long to give it in
# between is this solution's choice. A child that keeps SIGTERM's default action dies at
# once (the wait ends then), so the grace is only ever waited out for one that catches or
# ignores it: a fifth of a second lets a handler tidy up without holding the caller long.
_STOP_SECONDS = 0.2
_REAP_SECONDS = 5.0  # after SIGKILL, which cannot be caught: the wait ends when it dies


def _meaning(exitcode: int | None) -> str:
    if exitcode is None:
        return "exit code None: still running, or never joined"
    if exitcode == 0:
        return "exit code 0: succeeded"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"exit code {exitcode}: killed by {name}"
    if exitcode == 1:
        return "exit code 1: an exception ended it (its traceback went to the child's stderr)"
    return f"exit code {exitcode}: it called sys.exit({exitcode})"


class ChildFailed(Exception):
    """Some child processes did not end with exit code 0. Given; don't change it.

    ``failures`` maps the name of each such child to its exit code.
    """

    def __init__(self, failures: Mapping[str, int | None]) -> None:
        self.failures = dict(failures)
        details = "; ".join(f"{name!r}: {_meaning(code)}" for name, code in self.failures.items())
        super().__init__(f"{len(self.failures)} child process(es) failed: {details}")


class Bumped(NamedTuple):
    """What bump_in_child found out. Given; don't change it."""

    child_pid: int  # the pid of the process that ran bump_counter, as it saw itself
    in_child: int  # COUNTER in the child, right after the child added to it
    in_parent: int  # COUNTER in the parent, read after the child had ended


@dataclass(frozen=True)
class ChildReport:
    """What the parent knows about one child process once it has been waited for."""

    name: str  # the Process's name: the job's name
    pid: int | None  # the child's process id (Process.pid)
    exitcode: int | None  # Process.exitcode after join: None means nobody saw it end

    @property
    def succeeded(self) -> bool:
        """True only for exit code 0.

        None means the child was still running (or never joined) when asked: not a success.
        """
        return self.exitcode == 0

    @property
    def killed_by(self) -> signal.Signals | None:
        """The signal that ended the child, or None if it ended by itself (or has not ended).

        multiprocessing reports a child killed by signal N as exit code -N.
        """
        if self.exitcode is None or self.exitcode >= 0:
            return None
        return signal.Signals(-self.exitcode)


def _stop(child: multiprocessing.Process) -> None:
    """Stop a child that is still running, and reap it so that its exit code is known."""
    child.terminate()  # SIGTERM: exit code -15, unless the child handles it
    child.join(_STOP_SECONDS)
    if child.is_alive():
        child.kill()  # SIGKILL cannot be caught or ignored: exit code -9
        child.join(_REAP_SECONDS)


def run_children(
    jobs: Mapping[str, tuple[Callable[..., object], tuple]], timeout: float
) -> dict[str, ChildReport]:
    """Run every job in a child process of its own; report each child, by job name.

    ``jobs`` maps a name to ``(function, args)``: start one ``multiprocessing.Process``
    per job, named after the job, that calls ``function(*args)``. Start them all before
    waiting for any, then wait for all of them for at most ``timeout`` seconds in all.
    A child still running then is stopped (``terminate()``; ``kill()`` if that does not
    end it) and waited for, so that every report holds the child's real exit code.

    A child that fails is reported, not raised: that is ``check_all``'s job.
    """
    children = {
        name: multiprocessing.Process(target=function, args=args, name=name)
        for name, (function, args) in jobs.items()
    }
    started = []
    try:
        for child in children.values():
            child.start()
            started.append(child)
        deadline = time.monotonic() + timeout
        for child in started:
            child.join(max(0.0, deadline - time.monotonic()))
    finally:
        # join(timeout) returns None whether or not the child ended: ask each one.
        for child in started:
            if child.is_alive():
                _stop(child)
    return {
        name: ChildReport(name, child.pid, child.exitcode) for name, child in children.items()
    }


def check_all(reports: Mapping[str, ChildReport]) -> None:
    """Raise ``ChildFailed`` naming every child that did not succeed, with its exit code.

    Return None when every child succeeded.
    """
    failures = {name: report.exitcode for name, report in reports.items() if not report.succeeded}
    if failures:
        raise ChildFailed(failures)


def bump_counter(times: int, report: Queue) -> None:
    """Add ``times`` to the global ``COUNTER``, then put ``(os.getpid(), COUNTER)`` on ``report``.

    The worker for ``bump_in_child``; it lives at the top level of this module so that a
    child started with spawn or forkserver can import it by name. It raises
    ``ValueError`` (and puts nothing) if ``times`` is negative.
    """
    global COUNTER
    if times < 0:
        raise ValueError(f"times must not be negative, got {times}")
    COUNTER += times
    report.put((os.getpid(), COUNTER))


def bump_in_child(times: int, timeout: float) -> Bumped:
    """Run ``bump_counter(times, ...)`` in a child process; return what each side sees.

    Wait for the child for at most ``timeout`` seconds. If it did not succeed, raise
    ``ChildFailed`` with its exit code at once: a child that failed sends nothing, so do
    not wait for its reply. Otherwise return ``Bumped(child_pid, in_child, in_parent)``:
    the pid and ``COUNTER`` the child reported, and ``COUNTER`` as this process sees it.
    """
    report = multiprocessing.Queue()
    try:
        reports = run_children({"bump_counter": (bump_counter, (times, report))}, timeout)
        check_all(reports)  # the exit code says whether a reply is coming at all
        # The child has ended well, so its reply is already in the queue's pipe.
        child_pid, in_child = report.get(timeout=timeout)
    finally:
        report.close()
    return Bumped(child_pid, in_child, COUNTER)
