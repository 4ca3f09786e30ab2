"""Watched locks and conditions: test doubles that tell the test who waits for what.

A test hands the learner's code one of these instead of a ``threading`` object. It
behaves like the real one, and it reports every acquire, wait, release and notify, so
the test can wait until the threads are exactly where it needs them (never "sleep long
enough and hope") and can say what happened when they are not.

- ``WatchedCondition`` (13_conditions): a ``threading.Condition`` that counts the
  threads asleep in ``wait()`` and not yet notified.
- ``Watch`` with ``WatchedLock`` (14_deadlocks): locks that act like ``threading.Lock``;
  the Watch knows who holds and who waits for each one, pauses each thread once after
  its first lock (so a wrong lock order deadlocks on every run), sees a ring of waits the
  moment it closes, and ends the stuck threads by raising ``Broken`` in them.

Both are built on ``News``: the one condition a test's own thread waits on until what it
needs has happened (``until``), notified (``poke``) whenever anything changes. Its
bounds (how long ``until`` waits, a Watch's ``patience``) are kata.timing's.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from kata import timing
from kata.messages import learner_line


class News:
    """The condition a test's thread waits on; whoever changes what it watches pokes it."""

    def __init__(self, lock=None):
        self.cond = threading.Condition(lock)

    def poke(self) -> None:
        """Something changed: let the test's thread look again."""
        with self.cond:
            self.cond.notify_all()

    def until(self, predicate, timeout: float = timing.AT_ONCE) -> bool:
        """Wait (in the test's thread) until predicate() is true; return whether it is.
        The default bound is for a few threads to start and reach a wait (a right answer
        takes about a millisecond)."""
        with self.cond:
            return self.cond.wait_for(predicate, timeout)


# --- 13_conditions ---------------------------------------------------------------------


class WatchedCondition(threading.Condition):
    """A threading.Condition (re-entrant lock, as by default) that reports its waiters.

    ``asleep`` is the number of threads in wait() that no notify has woken yet; it goes
    up only once a waiter has given the lock up, so a notify from then on wakes it.
    ``waits`` counts the calls of wait(), ``notifies`` those of notify() and notify_all();
    ``wait_calls`` keeps (thread, time.monotonic() at the call, timeout) for each wait().
    """

    def __init__(self):
        super().__init__(threading.RLock())
        self.waits = 0  # calls of wait() so far
        self.notifies = 0  # calls of notify() or notify_all() so far
        self.wait_calls: list[tuple[threading.Thread, float, float | None]] = []
        self.news = News(threading.Lock())  # for the test's own thread
        release_save = self._release_save

        def release_and_report():
            # wait() calls this once its thread is on the list of waiters, to give the
            # lock up: from now on a notify will wake it. Tell the test's thread.
            state = release_save()
            self.news.poke()
            return state

        self._release_save = release_and_report

    @property
    def asleep(self) -> int:
        """Threads in wait() that no notify has woken yet (CPython's list of waiters)."""
        return len(self._waiters)

    def wait(self, timeout=None):
        self.waits += 1
        self.wait_calls.append((threading.current_thread(), time.monotonic(), timeout))
        return super().wait(timeout)

    def waits_of(self, thread: threading.Thread) -> list[tuple[float, float | None]]:
        """(time.monotonic() at the call, timeout) of each wait() that `thread` made."""
        return [(at, timeout) for who, at, timeout in list(self.wait_calls) if who is thread]

    def notify(self, n=1):
        self.notifies += 1
        super().notify(n)

    def notify_all(self):
        self.notifies += 1
        super().notify(len(self._waiters))

    def poke(self) -> None:
        self.news.poke()

    def until(self, predicate, timeout: float = timing.AT_ONCE) -> bool:
        return self.news.until(predicate, timeout)


# --- 14_deadlocks ----------------------------------------------------------------------


class Broken(BaseException):
    """Raised inside a watched lock once the test has seen a deadlock or given up waiting,
    so that the stuck threads end. A BaseException, so ``except Exception`` lets it by."""


class Watch(News):
    """Every watched lock of one test, and every thread that takes part in it.

    Its condition (``cond``, from News) guards everything it records, and every lock's
    owner: the watched locks are a model of locks, kept under one real one. ``patience``
    bounds each thread's one pause: how long it waits for the others to get as far (a
    right answer's threads do within moments; running out sets ``gave_up``, and the
    threads go on, so a test gives a run at least patience plus a bound of its own).
    """

    def __init__(self, parties: int, pause_at: str = "first lock", patience: float = timing.AT_ONCE):
        self.parties = parties
        self.pause_at = pause_at  # "first lock", "balance" or "" (never pause)
        self.patience = patience
        super().__init__()  # self.cond guards everything below, and every lock's owner
        self.locks: list[WatchedLock] = []
        self.state: dict[threading.Thread, str] = {}  # running, paused, waiting or done
        self.doing: dict[threading.Thread, str] = {}  # what each thread was asked to do
        self.waiting_for: dict[threading.Thread, tuple[WatchedLock, bool]] = {}  # (lock, timed)
        self.failed_tries: dict[threading.Thread, int] = {}  # timed acquires that timed out
        self.refusals: dict[threading.Thread, int] = {}  # acquires that returned False
        # After a refusal, a thread that lets go of every lock it held has put it down to
        # try again: how often, and how long it paused before it took a lock again.
        self.put_downs: dict[threading.Thread, int] = {}
        self._put_down_at: dict[threading.Thread, float] = {}
        self._refused_since_acquire: set[threading.Thread] = set()
        self.retry_pauses: list[float] = []  # seconds, one per retry
        self.timeouts: list[float] = []  # the timeout of every timed acquire
        self.had_pause: set[threading.Thread] = set()
        self.most_holding = 0  # most threads that held a lock at the same moment
        self.deadlock = ""  # the report, once a deadlock formed
        self.gave_up = ""  # set when a paused thread waited `patience` for the others
        self.violations: list[str] = []
        self.changes: list[tuple[str, list[str]]] = []  # (what changed, locks its thread held)
        self.broken = False

    # --- the threads of the test -------------------------------------------------------

    @contextmanager
    def taking_part(self, doing: str):
        me = threading.current_thread()
        with self.cond:
            self.state[me] = "running"
            self.doing[me] = doing
            self.cond.notify_all()
        try:
            yield
        finally:
            with self.cond:
                self.state[me] = "done"
                self.cond.notify_all()

    def close(self) -> None:
        """End the test: every thread still in a watched lock gets Broken."""
        with self.cond:
            self.broken = True
            self.cond.notify_all()

    def _who(self, thread: threading.Thread) -> str:
        doing = self.doing.get(thread)
        return f"thread {thread.name!r} in {doing}" if doing else f"thread {thread.name!r}"

    def _held_by(self, thread: threading.Thread) -> list[str]:
        return [lock.label for lock in self.locks if lock.owner is thread]

    # --- the pause ---------------------------------------------------------------------

    def _others_settled(self, me: threading.Thread, refusals: dict) -> bool:
        """Has every other thread got as far as it can: paused, waiting for a lock, refused
        one since `me` paused (it tries without waiting, or backs off), or done?"""
        return len(self.state) >= self.parties and all(
            state in ("paused", "waiting", "done")
            or self.refusals.get(thread, 0) > refusals.get(thread, 0)
            for thread, state in self.state.items()
            if thread is not me
        )

    def _maybe_pause(self, me: threading.Thread, where: str) -> None:
        """Called with self.cond held. Pause each taking-part thread once, at `where`."""
        if where != self.pause_at or me not in self.state or me in self.had_pause:
            return
        if self.gave_up:
            return
        self.had_pause.add(me)
        self.state[me] = "paused"
        self.cond.notify_all()
        refusals = dict(self.refusals)
        settled = self.cond.wait_for(
            lambda: self.broken or self._others_settled(me, refusals), timeout=self.patience
        )
        self.state[me] = "running"
        self.cond.notify_all()
        if not settled:
            running = [t for t, state in self.state.items() if state == "running"]
            others = [self._who(t) for t in running if t is not me]
            if len(self.state) < self.parties:
                others.append(f"{self.parties - len(self.state)} thread(s) not begun yet")
            self.gave_up = (
                f"{self._who(me)} held {', '.join(self._held_by(me)) or 'no lock'} and "
                f"waited {self.patience:g} s for {', '.join(others)} "
                "to get as far, to wait for one of the test's locks, or to finish; it did "
                "none of these, so something else kept it waiting."
            )
        if self.broken:
            raise Broken

    # --- the locks -------------------------------------------------------------------------

    def _acquire(self, lock: WatchedLock, blocking: bool, timeout: float) -> bool:
        if not blocking and timeout != -1:
            raise ValueError("can't specify a timeout for a non-blocking call")
        if timeout != -1 and timeout < 0:
            raise ValueError("timeout value must be positive")
        me = threading.current_thread()
        with self.cond:
            if self.broken:
                raise Broken
            if timeout != -1:
                self.timeouts.append(timeout)
            if lock.owner is not None:
                if not blocking:
                    self._refused(me)
                    return False
                timed = timeout != -1
                self.waiting_for[me] = (lock, timed)
                before = self.state.get(me)
                if before is not None:
                    self.state[me] = "waiting"
                self.cond.notify_all()
                try:
                    if not timed:
                        ring = self._ring_from(me)
                        if ring:
                            self.deadlock = self._describe_ring(ring)
                            self.broken = True
                            self.cond.notify_all()
                            raise Broken
                    deadline = time.monotonic() + timeout if timed else None
                    while lock.owner is not None and not self.broken:
                        if timed:
                            remaining = deadline - time.monotonic()
                            if remaining <= 0:
                                break
                            self.cond.wait(remaining)
                        else:
                            self.cond.wait()
                finally:
                    del self.waiting_for[me]
                    if before is not None:
                        self.state[me] = before
                    self.cond.notify_all()
                if self.broken:
                    raise Broken
                if lock.owner is not None:
                    if self._held_by(me):
                        self.failed_tries[me] = self.failed_tries.get(me, 0) + 1
                    self._refused(me)
                    return False
            lock.owner = me
            self._refused_since_acquire.discard(me)
            put_down_at = self._put_down_at.pop(me, None)
            if put_down_at is not None and len(self._held_by(me)) == 1:
                self.retry_pauses.append(time.monotonic() - put_down_at)
            holders = {l.owner for l in self.locks if l.owner is not None}
            self.most_holding = max(self.most_holding, len(holders))
            if len(self._held_by(me)) == 1:
                try:
                    self._maybe_pause(me, "first lock")
                except Broken:
                    lock.owner = None  # the caller never gets the lock, so never releases it
                    raise
            return True

    def _refused(self, me: threading.Thread) -> None:
        self.refusals[me] = self.refusals.get(me, 0) + 1
        self._refused_since_acquire.add(me)
        self.cond.notify_all()

    def _release(self, lock: WatchedLock) -> None:
        me = threading.current_thread()
        with self.cond:
            if lock.owner is None:
                raise RuntimeError(f"release unlocked lock ({lock.label})")
            if lock.owner is not me:
                message = (
                    f"{self._who(me)} released {lock.label}, which {self._who(lock.owner)} "
                    "holds: a thread must only release a lock it acquired itself"
                )
                self.violations.append(message)
                raise RuntimeError(message)
            lock.owner = None
            self.failed_tries.pop(me, None)
            if me in self._refused_since_acquire and not self._held_by(me):
                self.put_downs[me] = self.put_downs.get(me, 0) + 1
                self._put_down_at[me] = time.monotonic()
            self.cond.notify_all()

    def touching(self, lock: WatchedLock, what: str) -> None:
        """A taking-part thread reads or changes what `lock` guards."""
        me = threading.current_thread()
        with self.cond:
            if me not in self.state:
                return
            if lock.owner is not me and len(self.violations) < 5:
                holder = f", which {self._who(lock.owner)} held" if lock.owner else ""
                self.violations.append(
                    f"{self._who(me)} {what} without holding {lock.label}{holder}"
                )
            if what.startswith("changed"):
                self.changes.append((what, self._held_by(me)))
            self._maybe_pause(me, "balance")

    # --- reports ---------------------------------------------------------------------------

    def _ring_from(self, me: threading.Thread) -> list[threading.Thread]:
        """The threads in a ring of endless waits through `me`, or [] if there is none."""
        ring = [me]
        thread = me
        while True:
            lock, timed = self.waiting_for.get(thread, (None, True))
            if lock is None or timed or lock.owner is None:
                return []
            if lock.owner is me:
                return ring
            if lock.owner in ring:
                return []
            thread = lock.owner
            ring.append(thread)

    def _describe_ring(self, ring: list[threading.Thread]) -> str:
        if len(ring) == 1:
            headline = "Deadlock: a thread waits for a lock it holds itself, so it can never go on"
        else:
            headline = (
                f"Deadlock: {len(ring)} threads wait for each other in a ring, so none of them "
                "can ever go on"
            )
        lines = [f"{headline} (the test ended them by raising an exception in their acquire):"]
        for thread in ring:
            lock, _ = self.waiting_for[thread]
            if lock.owner is thread:
                holder = "which it holds itself"
            else:
                holder = f"which {lock.owner.name} holds"
            lines.append(
                f"  {self._who(thread)} holds {', '.join(self._held_by(thread))} and waits "
                f"for {lock.label}, {holder}"
            )
            where = learner_line(thread)
            if where:
                lines.append(f"      at {where}")
        return "\n".join(lines)

    def snapshot(self) -> str:
        with self.cond:
            lines = ["The watched locks, right now:"]
            for thread, state in sorted(self.state.items(), key=lambda item: item[0].name):
                if state == "done":
                    continue
                held = ", ".join(self._held_by(thread)) or "no lock"
                line = f"  {self._who(thread)} holds {held}"
                if thread in self.waiting_for:
                    lock, timed = self.waiting_for[thread]
                    owner = f" ({lock.owner.name} holds it)" if lock.owner else ""
                    line += f" and waits for {lock.label}{owner}"
                    line += " with a timeout" if timed else ""
                tries = self.failed_tries.get(thread, 0)
                if tries:
                    line += (
                        f"; {tries} of its timed acquires ran out while it kept holding "
                        f"{held}"
                    )
                lines.append(line)
            if len(lines) == 1:
                lines.append("  every thread that took part is done with them")
            return "\n".join(lines)

    def retry_report(self) -> str:
        """What the threads that gave up a lock and tried again did; "" if none did."""
        with self.cond:
            pauses = sorted(self.retry_pauses)
            if len(pauses) < 2 * max(1, self.parties):
                return ""
            ms = [f"{p * 1000:.2f}" for p in pauses]
            return (
                f"They are not waiting for ever: they put their locks down and tried again "
                f"{len(pauses)} times in all, each time reaching for a lock again after "
                f"{ms[0]} to {ms[-1]} ms (half of the pauses under {ms[len(ms) // 2]} ms). "
                "Threads that give up together and retry after the same pause take "
                "their first locks together again, and give up together again, round after "
                "round: a livelock. After putting a lock down, wait a random moment "
                "(time.sleep(random.uniform(0, patience))) so that they fall out of step."
            )


class WatchedLock:
    """Behaves like threading.Lock; tells its Watch who takes it, waits for it, gives it back."""

    def __init__(self, watch: Watch, label: str):
        self.watch = watch
        self.label = label
        self.owner: threading.Thread | None = None
        watch.locks.append(self)

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        return self.watch._acquire(self, blocking, timeout)

    def release(self) -> None:
        self.watch._release(self)

    def locked(self) -> bool:
        return self.owner is not None

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"<watched lock: {self.label}>"


