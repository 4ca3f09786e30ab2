"""What the 09_shared_memory tests run inside the referee processes.

- ``after_gate``: a process target that says it has started, waits for the test to
  open the gate, then calls the learner's function. All referees then begin together.
- ``Window``: the pause ``Scoreboard.add`` calls between reading a score and writing it
  back. It records who is between a read and a write, and when. The first caller waits
  (a moment, at most) for a second one to arrive in the window too: without one shared
  lock a second referee does arrive, both have read the same score, and one of the two
  writes overwrites the other. So a missing lock loses points on every run, not by luck.
- ``StallingPoints``: a referee's points that keep it between two adds (holding no
  lock) until the test lets go, so the test can look at what ``play`` does meanwhile;
  ``Tally`` a pause that only counts.

Every object here holds only multiprocessing primitives, so it can be handed to a child
as a ``Process`` argument under fork, forkserver and spawn.
"""

from __future__ import annotations

import multiprocessing
import os
import time

from kata.timing import HOLD_LIMIT  # the longest a probe waits for a test that may be gone

_CALLS, _INSIDE, _MOST, _ARMED, _EVENTS = range(5)


def after_gate(arrived, gate, fn, *args) -> None:
    """Release `arrived` (one per referee), wait for `gate` (an Event), then fn(*args)."""
    arrived.release()
    if not gate.wait(HOLD_LIMIT):
        raise SystemExit("the test never opened the gate")
    fn(*args)


class Window:
    """A pause that keeps a record of who is between reading and writing a score."""

    MAX_EVENTS = 256

    def __init__(self, company_seconds: float = 0.3, step_seconds: float = 0.002) -> None:
        self.company_seconds = company_seconds
        self.step_seconds = step_seconds
        self._condition = multiprocessing.Condition(multiprocessing.Lock())
        self._counts = multiprocessing.RawArray("i", 5)
        self._events = multiprocessing.RawArray("d", 3 * self.MAX_EVENTS)  # pid, +1/-1, time

    def _log(self, change: int) -> None:
        index = self._counts[_EVENTS]
        if index < self.MAX_EVENTS:
            self._events[3 * index : 3 * index + 3] = [os.getpid(), change, time.monotonic()]
            self._counts[_EVENTS] = index + 1

    def __call__(self) -> None:
        counts = self._counts
        with self._condition:
            counts[_CALLS] += 1
            counts[_INSIDE] += 1
            counts[_MOST] = max(counts[_MOST], counts[_INSIDE])
            self._log(+1)
            first, counts[_ARMED] = not counts[_ARMED], 1
            self._condition.notify_all()
            if first:
                # Hold the door open until someone else has read too. With one shared
                # lock nobody can, and this only costs company_seconds, once.
                self._condition.wait_for(lambda: counts[_INSIDE] >= 2, self.company_seconds)
        if not first:
            time.sleep(self.step_seconds)
        with self._condition:
            counts[_INSIDE] -= 1
            self._log(-1)

    @property
    def calls(self) -> int:
        return self._counts[_CALLS]

    @property
    def most_at_once(self) -> int:
        """The most referees that were ever between a read and their write at one time."""
        return self._counts[_MOST]

    def timeline(self, names: dict[int, str], limit: int = 12) -> str:
        """The first few entries and exits of the window, as text."""
        with self._condition:
            count = self._counts[_EVENTS]
            raw = list(self._events[: 3 * count])
        events = [raw[i : i + 3] for i in range(0, len(raw), 3)]
        if not events:
            return "  (nobody called the pause)"
        start = events[0][2]
        lines = []
        for pid, change, when in events[:limit]:
            who = names.get(int(pid), f"pid {int(pid)}")
            what = "has read the score, not yet written it" if change > 0 else "writes its score"
            lines.append(f"  {1000 * (when - start):7.1f} ms  {who} {what}")
        if len(events) > limit:
            lines.append(f"  ... and {len(events) - limit} more")
        return "\n".join(lines)


class Tally:
    """A pause that only counts its calls."""

    def __init__(self) -> None:
        self._calls = multiprocessing.Value("i", 0)

    def __call__(self) -> None:
        with self._calls.get_lock():
            self._calls.value += 1

    @property
    def calls(self) -> int:
        return self._calls.value


class StallingPoints:
    """A referee's list of points that stalls after its first item until ``release()``.

    The referee adds the first item, then, asking for the second, waits here: between two
    adds, holding no lock. ``stalled`` is set then, and ``pid`` says which process it is.
    ``begun`` is set as soon as a referee in another process than the one that made it
    first looks at its points: that child process has started.
    """

    def __init__(self, items) -> None:
        self.items = list(items)
        self.stalled = multiprocessing.Event()
        self.begun = multiprocessing.Event()
        self._maker = os.getpid()
        self._released = multiprocessing.Event()
        self._pid = multiprocessing.Value("i", 0)

    def _stall(self) -> None:
        if not self._released.is_set():
            self._pid.value = os.getpid()
            self.stalled.set()
            self._released.wait(HOLD_LIMIT)

    def _begin(self) -> None:
        if os.getpid() != self._maker:
            self.begun.set()

    def __len__(self) -> int:
        self._begin()
        return len(self.items)

    def __getitem__(self, index):
        self._begin()
        if index != 0 and not isinstance(index, slice):
            self._stall()
        return self.items[index]

    def __iter__(self):
        self._begin()
        for index, item in enumerate(self.items):
            if index == 1:
                self._stall()
            yield item

    def release(self) -> None:
        self._released.set()

    @property
    def pid(self) -> int:
        """The pid of the process that stalled (0: none yet)."""
        return self._pid.value


class Gate:
    """A pause that says it has been reached, then waits until the test opens the gate.

    While a referee waits here it is inside ``add``, between reading a score and writing
    it back, holding the board's lock: the test can look at what else can run meanwhile.
    """

    def __init__(self) -> None:
        self.entered = multiprocessing.Event()
        self._opened = multiprocessing.Event()

    def __call__(self) -> None:
        self.entered.set()
        self._opened.wait(HOLD_LIMIT)

    def open(self) -> None:
        self._opened.set()


class KilledAtStart:
    """While one of these is alive and registered with ``arm()``, every child process
    forked from this process kills itself with SIGKILL as it starts (fork only: the
    after-fork hooks of multiprocessing run in a forked child before its target), so its
    exit code is negative, -9, as for a child the OOM killer or a crash ended."""

    @staticmethod
    def possible() -> bool:
        """Only a forked child runs this process's after-fork hooks."""
        return multiprocessing.get_start_method() == "fork"

    def arm(self) -> None:
        from multiprocessing import util

        util.register_after_fork(self, _die_by_sigkill)


def _die_by_sigkill(_armed) -> None:
    import signal

    os.kill(os.getpid(), signal.SIGKILL)
