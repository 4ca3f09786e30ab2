"""02_processes: work run in child processes, with their own pids, memory and exit codes.

Read README.md in this folder, then replace each ``raise NotImplementedError`` below.
Check your work with:  pytest exercises/02_processes
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
        raise NotImplementedError

    @property
    def killed_by(self) -> signal.Signals | None:
        """The signal that ended the child, or None if it ended by itself (or has not ended).

        multiprocessing reports a child killed by signal N as exit code -N.
        """
        raise NotImplementedError


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
    raise NotImplementedError


def check_all(reports: Mapping[str, ChildReport]) -> None:
    """Raise ``ChildFailed`` naming every child that did not succeed, with its exit code.

    Return None when every child succeeded.
    """
    raise NotImplementedError


def bump_counter(times: int, report: Queue) -> None:
    """Add ``times`` to the global ``COUNTER``, then put ``(os.getpid(), COUNTER)`` on ``report``.

    The worker for ``bump_in_child``; it lives at the top level of this module so that a
    child started with spawn or forkserver can import it by name. It raises
    ``ValueError`` (and puts nothing) if ``times`` is negative.
    """
    raise NotImplementedError


def bump_in_child(times: int, timeout: float) -> Bumped:
    """Run ``bump_counter(times, ...)`` in a child process; return what each side sees.

    Wait for the child for at most ``timeout`` seconds. If it did not succeed, raise
    ``ChildFailed`` with its exit code at once: a child that failed sends nothing, so do
    not wait for its reply. Otherwise return ``Bumped(child_pid, in_child, in_parent)``:
    the pid and ``COUNTER`` the child reported, and ``COUNTER`` as this process sees it.
    """
    raise NotImplementedError
