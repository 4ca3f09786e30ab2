"""Tasks the 12_gil tests hand to ``run_cpu_bound`` and ``run_io_bound``.

Every task is a picklable callable object (a module-level class holding plain values),
so that it can be sent to a worker process under any start method. Each returns a
``Record``: which process and thread ran it, when it started and ended (time.monotonic,
which on Linux is one clock for every process), and the value it computed. The tests
read the records to see what really ran the work, not how fast it went.

``Crunch``: CPU-bound work for ``run_cpu_bound``. Run in a process other than the
test's, it first makes the overlap it is tested for certain instead of likely:

1. **Rendezvous.** It writes ``start-<index>-<pid>`` into a folder the test gave it and
   waits until tasks from ``meet`` different processes have written theirs. So at least
   two processes were running a task at the same moment, whatever the load.
2. **Finishing order.** If a task with a higher index has started, it waits until the
   result of some higher-index task has *arrived in the test's process*: a ``Record``
   marks its arrival (``received-<index>``) when it is unpickled there. So at least one
   later task's result arrives before an earlier one's, in every run, and a caller that
   keeps results in the order they arrive (``as_completed``, ``imap_unordered``) gets them
   out of task order.

Run in the test's own process (threads, or a plain loop), a Crunch waits for nothing:
there is no second process to meet, and the test fails it by its pid at once.

``Waiter``: an I/O-bound task for ``run_io_bound``. It waits at a ``Gate`` that lives in
the test's process (found by id in ``_gates``), like a thread waiting for a network
reply: the GIL is released while it waits. The test sees, at every moment, which tasks
are waiting at the gate and in which threads, and lets them go in the order it chooses.
Run in another process it finds no gate and returns at once, and the test fails it by
its pid.

Every wait is bounded (``HOLD_LIMIT``), and the test can call everything off
(``abort(folder)``, ``Gate.open_all()``), so no task outlives a failed test for long.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kata.timing import HOLD_LIMIT  # the longest any task waits for the test or for other tasks

POLL = 0.005  # how often a task in a worker process looks at the rendezvous folder


class TaskFailed(Exception):
    """What a task raises when the test built it to fail; module level, so that it pickles."""


def crunch(size: int) -> int:
    """Pure-Python arithmetic: it holds the GIL for as long as it runs."""
    total = 0
    for i in range(size):
        total = (total + i * i) % 1_000_003
    return total


@dataclass(frozen=True)
class Record:
    """What a task returns: where and when it ran, and what it computed."""

    index: int
    value: object
    pid: int
    thread: int  # threading.get_ident() of the thread that ran it
    thread_name: str
    start: float  # time.monotonic()
    end: float
    owner: int = 0  # the test's pid
    folder: str | None = None  # the rendezvous folder, if any

    def __repr__(self):
        return f"<result of task {self.index}, run in process {self.pid}>"

    def __reduce__(self):
        # Unpickled in the test's process = this result has arrived there: say so.
        return (_arrived, tuple(getattr(self, f) for f in self.__dataclass_fields__))


def _arrived(*fields) -> Record:
    record = Record(*fields)
    if record.folder and os.getpid() == record.owner:
        _touch(record.folder, f"received-{record.index}")
    return record


# --- CPU-bound: Crunch --------------------------------------------------------------------


@dataclass(frozen=True)
class Crunch:
    """A CPU-bound task: crunch(size), after meeting the other tasks (see the module doc).

    ``folder`` is None for a task that meets nobody (the error test). ``fail`` makes the
    task raise TaskFailed after its work.
    """

    index: int
    owner: int  # the test's pid: a task running there waits for nothing
    folder: str | None = None
    meet: int = 2  # how many different processes must have started a task
    size: int = 20_000
    fail: bool = False

    def __call__(self) -> Record:
        start = time.monotonic()
        pid = os.getpid()
        if self.folder is not None and pid != self.owner:
            _touch(self.folder, f"start-{self.index}-{pid}")
            deadline = start + HOLD_LIMIT
            _wait(self.folder, deadline, lambda: len(started(self.folder)) >= self.meet)
            if any(j > self.index for tasks in started(self.folder).values() for j in tasks):
                # A later task has started too: let a later result arrive first.
                _wait(self.folder, deadline, lambda: any(j > self.index for j in received(self.folder)))
        value = crunch(self.size)
        if self.fail:
            raise TaskFailed(f"task {self.index} failed on purpose, in process {pid}")
        thread = threading.current_thread()
        return Record(
            self.index, value, pid, thread.ident, thread.name, start, time.monotonic(),
            self.owner, self.folder,
        )  # fmt: skip


def _touch(folder: str, name: str) -> None:
    try:
        Path(folder, name).touch()
    except OSError:  # the test is over and its folder gone: nobody is listening
        pass


def _wait(folder: str, deadline: float, done) -> None:
    while not done() and not aborted(folder) and time.monotonic() < deadline:
        time.sleep(POLL)


_START = re.compile(r"^start-(\d+)-(\d+)$")


def started(folder) -> dict[int, set[int]]:
    """{pid: {indexes of the tasks it started}} from the rendezvous folder."""
    found: dict[int, set[int]] = {}
    try:
        names = os.listdir(folder)
    except OSError:
        return found
    for name in names:
        match = _START.match(name)
        if match:
            found.setdefault(int(match[2]), set()).add(int(match[1]))
    return found


def received(folder) -> set[int]:
    """Indexes of the tasks whose results have arrived in the test's process."""
    try:
        names = os.listdir(folder)
    except OSError:
        return set()
    return {int(n.partition("-")[2]) for n in names if n.startswith("received-")}


def aborted(folder) -> bool:
    return os.path.exists(os.path.join(folder, "abort"))


def abort(folder) -> None:
    """Let every task waiting in this folder go on at once."""
    _touch(str(folder), "abort")


# --- I/O-bound: Waiter and Gate -----------------------------------------------------------

_gates: dict[int, "Gate"] = {}
_gate_ids = itertools.count(1)


class Gate:
    """Where Waiters wait, in the test's process, until the test lets them go.

    It keeps which task is waiting in which thread (``inside``), the most that ever
    waited at once (``peak``), which have left, and a timeline for failure messages.
    """

    def __init__(self) -> None:
        self.id = next(_gate_ids)
        self.owner = os.getpid()
        self.inside: dict[int, str] = {}  # index -> name of the thread waiting for it
        self.left: list[int] = []  # indexes, in the order they left
        self.peak = 0
        self.timeline: list[str] = []
        self._released: set[int] = set()
        self._all_open = False
        self._changed = threading.Condition()
        self._began = time.monotonic()
        _gates[self.id] = self

    def _note(self, text: str) -> None:
        self.timeline.append(f"  {1000 * (time.monotonic() - self._began):7.1f} ms  {text}")

    # the task's side
    def pass_through(self, index: int) -> None:
        name = threading.current_thread().name
        with self._changed:
            self.inside[index] = name
            self.peak = max(self.peak, len(self.inside))
            self._note(f"task {index} waits, in thread {name!r} ({len(self.inside)} waiting)")
            self._changed.notify_all()
            self._changed.wait_for(lambda: self._all_open or index in self._released, HOLD_LIMIT)
            del self.inside[index]
            self.left.append(index)
            self._note(f"task {index} done")
            self._changed.notify_all()

    # the test's side
    def wait_until(self, condition, seconds: float) -> bool:
        """Wait at most `seconds` for condition(gate) to hold; return whether it does."""
        with self._changed:
            return self._changed.wait_for(lambda: condition(self), seconds)

    def release(self, index: int) -> None:
        with self._changed:
            self._released.add(index)
            self._note(f"the test lets task {index} go")
            self._changed.notify_all()

    def open_all(self) -> None:
        with self._changed:
            if not self._all_open:
                self._note("the test lets every task go")
            self._all_open = True
            self._changed.notify_all()

    def close(self) -> None:
        self.open_all()
        _gates.pop(self.id, None)

    def picture(self) -> str:
        return "What the gate saw:\n" + "\n".join(self.timeline or ["  (no task ever came)"])


@dataclass(frozen=True)
class Waiter:
    """An I/O-bound task: wait at the test's gate until let go; then return a Record."""

    gate: int  # Gate.id
    index: int
    owner: int  # the test's pid
    fail: bool = False

    def __call__(self) -> Record:
        start = time.monotonic()
        gate = _gates.get(self.gate) if os.getpid() == self.owner else None
        if gate is not None:  # in another process there is no gate: return at once
            gate.pass_through(self.index)
        if self.fail:
            raise TaskFailed(f"task {self.index} failed on purpose")
        thread = threading.current_thread()
        return Record(
            self.index, f"reply {self.index}", os.getpid(), thread.ident, thread.name, start,
            time.monotonic(), self.owner,
        )  # fmt: skip
