"""Tests for 14_deadlocks. Run them with:  pytest exercises/14_deadlocks

The tests hand your functions their own accounts and forks, whose locks behave like
threading.Lock but are watched: the test always knows which thread holds which lock and
which thread waits for which. With that it can

- make the rare interleaving happen every run: each thread is paused once, right after
  it takes its first lock, until every other thread has taken its own first lock, waits
  for a lock, or is done. Locks taken in the wrong order then deadlock every time, not
  once in a thousand runs;
- see a deadlock the moment it forms (a ring of threads, each waiting for a lock the
  next one holds), name who holds and waits for what, and end the stuck threads by
  raising an exception in them, so no test hangs and no thread is left behind;
- check that every balance is read and changed only under its account's lock, and that
  a philosopher eats only while holding both forks.
"""

from __future__ import annotations

import linecache
import random
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from kata import implementation, run_together

dining = implementation("dining")

SECONDS = 2.0  # how long a group of threads may take before the test calls them stuck
PATIENCE = 1.0  # how long a paused thread waits for the others before it goes on anyway
# Where running out of patience fails the test, a right answer must never run out, even
# on a loaded machine where a thread may wait half a second for a CPU: be more patient.
SIDE_BY_SIDE_PATIENCE = 2.0
READ_DELAY = 0.0002  # reading a balance takes a moment, like a round trip to a database

ORDER = (
    "Take the two locks in one order that every thread agrees on, whichever account is "
    "the source: for example, the account with the smaller number first. Then no thread "
    "can hold the lock another waits for while it waits for one that other holds."
)
FORK_ORDER = (
    "If every philosopher picks up the left fork first, all five can hold their left "
    "fork at once, and each waits for ever for the right one, which a neighbour holds. "
    "Pick up the fork with the smaller number first: then the last philosopher reaches "
    "for the same fork first as the first one does, and the ring cannot close."
)


class Broken(BaseException):
    """Raised inside a watched lock once the test has seen a deadlock or given up waiting,
    so that the stuck threads end. A BaseException, so ``except Exception`` lets it by."""


class Watch:
    """Every watched lock of one test, and every thread that takes part in it."""

    def __init__(self, parties: int, pause_at: str = "first lock", patience: float = PATIENCE):
        self.parties = parties
        self.pause_at = pause_at  # "first lock", "balance" or "" (never pause)
        self.patience = patience
        self.cond = threading.Condition()  # guards everything below, and every lock's owner
        self.locks: list[WatchedLock] = []
        self.state: dict[threading.Thread, str] = {}  # running, paused, waiting or done
        self.doing: dict[threading.Thread, str] = {}  # what each thread was asked to do
        self.waiting_for: dict[threading.Thread, tuple[WatchedLock, bool]] = {}  # (lock, timed)
        self.failed_tries: dict[threading.Thread, int] = {}  # timed acquires that timed out
        self.refusals: dict[threading.Thread, int] = {}  # acquires that returned False
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
        frames = sys._current_frames()
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
            where = learner_line(frames.get(thread.ident))
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


def learner_line(frame) -> str:
    """The innermost line of the module under test in this stack, as file:line in function."""
    own = Path(dining.transfer.__code__.co_filename).resolve()
    while frame is not None:
        if Path(frame.f_code.co_filename).resolve() == own:
            code = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
            return f"{own.name}:{frame.f_lineno} in {frame.f_code.co_name}: {code}"
        frame = frame.f_back
    return ""


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


class WatchedAccount:
    """Like dining.Account: number, balance, lock. Reading the balance takes a moment."""

    def __init__(self, watch: Watch, number: int, balance: int):
        self.number = number
        self.lock = WatchedLock(watch, f"account {number}'s lock")
        self._watch = watch
        self._balance = balance

    @property
    def balance(self) -> int:
        self._watch.touching(self.lock, f"read account {self.number}'s balance")
        balance = self._balance
        time.sleep(READ_DELAY)
        return balance

    @balance.setter
    def balance(self, balance: int) -> None:
        self._watch.touching(self.lock, f"changed account {self.number}'s balance")
        self._balance = balance

    @property
    def value(self) -> int:  # the test's own look, outside any transfer
        return self._balance

    def __repr__(self) -> str:
        return f"<account {self.number}>"


class WatchedFork:
    """Like dining.Fork: number, lock."""

    def __init__(self, watch: Watch, number: int):
        self.number = number
        self.lock = WatchedLock(watch, f"fork {number}")

    def __repr__(self) -> str:
        return f"<fork {self.number}>"


def run_watched(watch: Watch, fn, *, name: str, explain: str, seconds: float = SECONDS):
    """Run fn(index) in watch.parties threads at once; fail on a deadlock or a stuck thread."""
    stuck = crashed = ""
    try:
        run_together(watch.parties, fn, seconds=seconds, expect=Broken, explain=explain, name=name)
    except pytest.fail.Exception as failed:  # stuck, not deadlocked: say who holds what
        stuck = f"{failed.msg}\n{watch.snapshot()}"
    except Exception:
        if not watch.violations:  # a stub's NotImplementedError, or a crash of its own
            raise
        crashed = "A thread crashed after misusing a lock:\n" + "\n".join(
            dict.fromkeys(watch.violations)
        )
    finally:
        watch.close()
    if stuck or crashed:
        pytest.fail(stuck or crashed, pytrace=False)
    if watch.deadlock:
        pytest.fail(f"{watch.deadlock}\n{explain}", pytrace=False)


def check(ok: bool, message: str) -> None:
    """Like assert, but the failure shows only the message: what was expected, what happened."""
    if not ok:
        pytest.fail(message, pytrace=False)


def assert_locks_are_free(watch: Watch, what: str) -> None:
    held = [lock.label for lock in watch.locks if lock.owner is not None]
    check(
        not held,
        f"after {what} had returned, {', '.join(held)} was still held: every lock taken "
        "must be released, however the block ends ('with lock:' does that for you)"
    )


def assert_no_violations(watch: Watch, lesson: str) -> None:
    seen = list(dict.fromkeys(watch.violations))  # each once, in order
    check(not seen, "\n".join(seen) + "\n" + lesson)


GUARDED = (
    "A balance may only be read or changed while its account's lock is held: otherwise "
    "a transfer running at the same time reads the same old balance, and one of the two "
    "updates is lost. A transfer touches two accounts, so it needs both locks at once."
)


# --- transfers -------------------------------------------------------------------------------


def transfer_call(source: WatchedAccount, target: WatchedAccount, amount: int) -> str:
    return f"transfer(account {source.number}, account {target.number}, {amount})"


def test_a_transfer_moves_the_money_holding_both_locks():
    watch = Watch(parties=1)
    source, target = WatchedAccount(watch, 1, 100), WatchedAccount(watch, 2, 50)

    def move(_):
        with watch.taking_part("transfer(account 1, account 2, 30)"):
            dining.transfer(source, target, 30)

    run_watched(watch, move, name="transfer", explain="")
    check(
        (source.value, target.value) == (70, 80),
        f"transfer(account 1, account 2, 30) with balances 100 and 50 left them at "
        f"{source.value} and {target.value}; expected 70 and 80"
    )
    assert_no_violations(watch, GUARDED)
    for what, held in watch.changes:
        check(
            len(held) == 2,
            f"the transfer {what} while it held only {' and '.join(held)}. For a moment "
            "the 30 was in neither account (or in both): a thread that adds up the two "
            "balances, holding both locks, could see money vanish or appear. Hold both "
            "locks for the whole transfer, so that it is one step for everyone else."
        )
    assert_locks_are_free(watch, "transfer")


def test_transfers_in_opposite_directions_do_not_deadlock():
    watch = Watch(parties=2)
    one, two = WatchedAccount(watch, 1, 100), WatchedAccount(watch, 2, 100)
    moves = [(one, two, 10), (two, one, 25)]

    def move(index):
        source, target, amount = moves[index]
        with watch.taking_part(transfer_call(source, target, amount)):
            dining.transfer(source, target, amount)

    run_watched(
        watch,
        move,
        name="transfer",
        explain=(
            "Two transfers in opposite directions each took the lock of their own source "
            "first, then waited for the other account's lock, which the other transfer "
            "held. The test paused each one after its first lock until the other had "
            "taken its own; without the pause this happens only now and then, which makes "
            "the bug rare, not absent. " + ORDER
        ),
    )
    check(
        (one.value, two.value) == (115, 85),
        f"after moving 10 from account 1 to 2 and 25 from 2 to 1 (both started at 100), "
        f"the balances are {one.value} and {two.value}, not 115 and 85"
    )
    assert_no_violations(watch, GUARDED)
    assert_locks_are_free(watch, "both transfers")


def test_a_transfer_to_the_same_account_changes_nothing():
    watch = Watch(parties=1)
    account = WatchedAccount(watch, 7, 100)

    def move(_):
        with watch.taking_part("transfer(account 7, account 7, 10)"):
            dining.transfer(account, account, 10)

    run_watched(
        watch,
        move,
        name="transfer",
        explain=(
            "When source and target are the same account, 'both locks' is one lock: a "
            "threading.Lock taken a second time by the thread that holds it waits for "
            "ever (a deadlock of one). Moving money from an account to itself changes "
            "nothing: check for it before taking any lock."
        ),
    )
    check(
        account.value == 100,
        f"a transfer of 10 from account 7 to itself left its balance at {account.value}, "
        "not 100: taking money out and putting it back in must leave it as it was"
    )
    assert_locks_are_free(watch, "transfer(account 7, account 7, 10)")


def test_transfers_between_different_accounts_run_at_the_same_time():
    # Pause each transfer at its first look at a balance (when it should hold both its
    # locks) until the other transfer is there too. They share no account, so a right
    # answer gets both there; one lock for the whole bank lets only one in at a time.
    watch = Watch(parties=2, pause_at="balance", patience=SIDE_BY_SIDE_PATIENCE)
    accounts = [WatchedAccount(watch, n, 100) for n in range(1, 5)]
    moves = [(accounts[0], accounts[1], 10), (accounts[2], accounts[3], 20)]

    def move(index):
        source, target, amount = moves[index]
        with watch.taking_part(transfer_call(source, target, amount)):
            dining.transfer(source, target, amount)

    run_watched(watch, move, name="transfer", explain="", seconds=SIDE_BY_SIDE_PATIENCE + SECONDS)
    check(
        not watch.gave_up and watch.most_holding == 2,
        "transfer(account 1, account 2) and transfer(account 3, account 4) share no "
        "account, yet they never held their locks at the same time. "
        f"{watch.gave_up} A single lock for every transfer cannot deadlock, but it "
        "makes the whole bank wait in one queue; with the locks in a fixed order, "
        "transfers between different accounts run side by side."
    )
    check(
        [a.value for a in accounts] == [90, 110, 80, 120],
        f"the balances ended at {[a.value for a in accounts]}, not [90, 110, 80, 120]"
    )


def test_many_concurrent_transfers_conserve_money():
    threads, per_thread, start = 4, 12, 1000
    watch = Watch(parties=threads)
    accounts = [WatchedAccount(watch, n, start) for n in range(threads)]
    rng = random.Random(14)
    plans = []
    for index in range(threads):
        # The first transfers go round in a ring (0 -> 1, 1 -> 2, ..., 3 -> 0); the rest
        # at random, in both directions.
        plan = [(index, (index + 1) % threads, rng.randint(1, 50))]
        while len(plan) < per_thread:
            source, target = rng.sample(range(threads), 2)
            plan.append((source, target, rng.randint(1, 50)))
        plans.append(plan)
    expected = [start] * threads
    for plan in plans:
        for source, target, amount in plan:
            expected[source] -= amount
            expected[target] += amount

    def move(index):
        with watch.taking_part(f"a run of {per_thread} transfers"):
            for source, target, amount in plans[index]:
                dining.transfer(accounts[source], accounts[target], amount)

    run_watched(
        watch,
        move,
        name="transfer",
        explain=(
            "Each thread's first transfer goes one step round a ring of accounts; the "
            "test paused each after its first lock until all had one. Taken source-first, "
            "every lock of the ring is held and every thread waits for the next one's. "
            + ORDER
        ),
    )
    balances = [a.value for a in accounts]
    before, total = start * threads, sum(balances)
    money = f"The bank held {before} before {threads * per_thread} transfers and {total} after"
    if total == before:
        money += "."
    else:
        money += f": {abs(total - before)} was {'made' if total > before else 'lost'}."
    assert_no_violations(watch, f"{money} {GUARDED}")
    check(total == before, f"{money} {GUARDED}")
    check(balances == expected, f"the balances ended at {balances}, not {expected}")
    assert_locks_are_free(watch, "the transfers")


# --- the dining philosophers -------------------------------------------------------------


def seat(watch: Watch, seats: int):
    """Forks 0..seats-1 round a table; philosopher i has fork i on the left, i+1 on the right."""
    forks = [WatchedFork(watch, n) for n in range(seats)]
    return [(forks[i], forks[(i + 1) % seats]) for i in range(seats)]


def eater(watch: Watch, places):
    """An eat(philosopher) that counts meals and checks both forks are held."""
    meals = [0] * len(places)
    lock = threading.Lock()

    def eat(philosopher: int) -> None:
        left, right = places[philosopher]
        me = threading.current_thread()
        missing = [f"fork {f.number}" for f in (left, right) if f.lock.owner is not me]
        if missing and len(watch.violations) < 5:
            watch.violations.append(
                f"philosopher {philosopher} ate without holding {' and '.join(missing)}"
            )
        with lock:
            meals[philosopher] += 1

    return eat, meals


BOTH_FORKS = (
    "A philosopher eats only while holding both forks, the left and the right one, at "
    "the same time; a neighbour who shares a fork may not eat meanwhile."
)


def test_a_philosopher_eats_holding_both_forks():
    watch = Watch(parties=1)
    places = seat(watch, 2)
    eat, meals = eater(watch, places)

    def philosopher(_):
        with watch.taking_part("dine(0, fork 0, fork 1, meals=3)"):
            dining.dine(0, *places[0], 3, eat)

    run_watched(watch, philosopher, name="philosopher", explain="")
    check(meals[0] == 3, f"dine(0, ..., meals=3, eat) called eat(0) {meals[0]} times, not 3")
    assert_no_violations(watch, BOTH_FORKS)
    assert_locks_are_free(watch, "dine")


def test_five_philosophers_all_eat_without_deadlock():
    seats, meals_each = 5, 3
    watch = Watch(parties=seats)
    places = seat(watch, seats)
    eat, meals = eater(watch, places)

    def philosopher(i):
        left, right = places[i]
        with watch.taking_part(f"dine({i}, left=fork {left.number}, right=fork {right.number})"):
            dining.dine(i, left, right, meals_each, eat)

    run_watched(watch, philosopher, name="philosopher", explain=FORK_ORDER)
    assert_no_violations(watch, BOTH_FORKS)
    check(
        meals == [meals_each] * seats,
        f"each philosopher should have eaten {meals_each} meals; they ate {meals}"
    )
    assert_locks_are_free(watch, "dine")


def test_patient_philosophers_put_a_fork_down_and_all_eat():
    seats, meals_each = 5, 3
    watch = Watch(parties=seats)
    places = seat(watch, seats)
    eat, meals = eater(watch, places)

    def philosopher(i):
        left, right = places[i]
        with watch.taking_part(
            f"dine_with_patience({i}, left=fork {left.number}, right=fork {right.number})"
        ):
            dining.dine_with_patience(i, left, right, meals_each, eat, patience=0.005)

    run_watched(
        watch,
        philosopher,
        name="philosopher",
        explain=(
            "All five took their left fork (the test saw to that). A patient philosopher "
            "asks for the right fork with right.lock.acquire(timeout=patience), and looks "
            "at what it returns: False means the fork did not come, so put the left fork "
            "down again and try later. Waiting without a timeout, or retrying while still "
            "holding the left fork, keeps all five waiting for ever."
        ),
    )
    assert_no_violations(
        watch,
        BOTH_FORKS + " acquire(timeout=...) returns False when the time ran out: the fork "
        "is not yours then.",
    )
    check(
        meals == [meals_each] * seats,
        f"each philosopher should have eaten {meals_each} meals; they ate {meals}"
    )
    assert_locks_are_free(watch, "dine_with_patience")
