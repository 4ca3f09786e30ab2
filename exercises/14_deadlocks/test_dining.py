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

import random
import threading
import time

import pytest

from kata import implementation, run_together, timing
from kata.watched import Broken, Watch, WatchedLock

dining = implementation("dining")

# The bounds are kata.timing's: a group of threads gets timing.SOON before the test calls
# them stuck, and a thread paused by the watch waits up to timing.AT_ONCE (the Watch's
# patience) for the others to get as far. Where running out of patience fails the test, a
# right answer must never run out, even on a loaded machine where a thread may wait half a
# second for a CPU: there the patience is timing.SOON.

# Not a bound but a measure: the median pause before a patient philosopher who gave up reaches again, at
# most; the reference pauses random.uniform(0, 0.005); a loaded machine adds some ms.
LONGEST_BACK_OFF = 0.1
READ_DELAY = 0.0002  # a window: reading a balance takes a moment, like a round trip to a database

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


GUARDED = (
    "A balance may only be read or changed while its account's lock is held: otherwise "
    "a transfer running at the same time reads the same old balance, and one of the two "
    "updates is lost. A transfer touches two accounts, so it needs both locks at once."
)


class Spilled(Exception):
    """What the test's eat raises, to see the forks put down however a meal ends."""


BOTH_FORKS = (
    "A philosopher eats only while holding both forks, the left and the right one, at "
    "the same time; a neighbour who shares a fork may not eat meanwhile."
)



# --- transfers -------------------------------------------------------------------------------


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
    # Forced: the watched locks pause each transfer after its first lock until the other
    # has taken its own first lock or waits, so a wrong order deadlocks on every run. The
    # pause is a condition on what the watch has seen, not a sleep: it holds the same with
    # or without a GIL.
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
    account, other = WatchedAccount(watch, 7, 100), WatchedAccount(watch, 8, 0)
    returned = []

    def move(_):
        with watch.taking_part("transfer(account 7, account 7, 10)"):
            returned.append(dining.transfer(account, account, 10))
        check(
            not account.lock.locked(),
            "transfer(account 7, account 7, 10) returned and left account 7's lock held: "
            "the next transfer that touches account 7 waits for ever. The transfer to "
            "itself must leave the account usable: every lock it took, given back ('with "
            "lock:' does that however the block ends, also on return)."
        )
        with watch.taking_part("transfer(account 7, account 8, 10), after it"):
            returned.append(dining.transfer(account, other, 10))

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
        returned == [None, None],
        f"transfer returned {returned}; it returns nothing (None): it changes the accounts"
    )
    check(
        (type(account.value), account.value, other.value) == (int, 90, 10),
        f"a transfer of 10 from account 7 to itself and then one of 10 from account 7 to "
        f"account 8 (balances 100 and 0) left them at {account.value!r} and "
        f"{other.value!r}, not 90 and 10. The transfer to itself must leave the balance as "
        "it was, and leave the account usable: every lock it took, given back."
    )
    assert_no_violations(watch, GUARDED)
    assert_locks_are_free(watch, "transfer(account 7, account 7, 10)")


def test_transfers_between_different_accounts_run_at_the_same_time():
    # Pause each transfer at its first look at a balance (when it should hold both its
    # locks) until the other transfer is there too. They share no account, so a right
    # answer gets both there; one lock for the whole bank lets only one in at a time.
    # A condition on what the watch sees, not a sleep: it holds with or without a GIL.
    watch = Watch(parties=2, pause_at="balance", patience=timing.SOON)
    accounts = [WatchedAccount(watch, n, 100) for n in range(1, 5)]
    moves = [(accounts[0], accounts[1], 10), (accounts[2], accounts[3], 20)]

    def move(index):
        source, target, amount = moves[index]
        with watch.taking_part(transfer_call(source, target, amount)):
            dining.transfer(source, target, amount)

    run_watched(watch, move, name="transfer", explain="", seconds=watch.patience + timing.SOON)
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
    # Forced like the opposite transfers: every thread pauses after its first lock until
    # all four hold one, which closes the ring of source-first transfers on every run, on
    # any build. Reads are slowed (READ_DELAY) and checked against the lock held, so an
    # unguarded balance is reported even when no update happens to be lost.
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


def test_a_philosopher_eats_holding_both_forks():
    # Not a race: one philosopher; the watch checks both forks are held at each meal.
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


def test_a_meal_that_raises_puts_both_forks_down():
    watch = Watch(parties=1)
    places = seat(watch, 2)

    def eat(philosopher):
        raise Spilled(f"philosopher {philosopher} spilled the soup")

    errors = []

    def philosopher(_):
        for name, dine in (("dine", dining.dine), ("dine_with_patience", dining.dine_with_patience)):
            with watch.taking_part(f"{name}(0, fork 0, fork 1, meals=2, an eat that raises)"):
                try:
                    dine(0, *places[0], 2, eat)
                except Spilled as exc:
                    errors.append((name, exc))
                else:
                    errors.append((name, None))
            held = [lock.label for lock in watch.locks if lock.owner is not None]
            check(
                not held,
                f"eat raised inside {name}, and {' and '.join(held)} stayed held: every "
                "later philosopher waits for ever. Put the forks down however the meal "
                "ends: 'with fork.lock:' does, a bare acquire() needs its release() in a "
                "finally clause."
            )

    run_watched(watch, philosopher, name="philosopher", explain="")
    longest = max(watch.timeouts, default=0)
    check(
        longest <= 0.01,
        f"dine_with_patience, called without patience, waited up to {longest:g} s for a "
        "fork: its default patience is 0.01 s (acquire(timeout=patience))"
    )
    for name, error in errors:
        check(
            type(error) is Spilled,
            f"eat raised in {name}, and {name} returned instead of letting the exception "
            "go on to its caller: the meal failed and nobody is told"
        )
    check(len(errors) == 2, f"dine and dine_with_patience were called; {len(errors)} of them ended")


def test_five_philosophers_all_eat_without_deadlock():
    # Forced: every philosopher pauses after the first fork until all five hold one, so
    # left-fork-first deadlocks on every run, with or without a GIL.
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
    # Forced: all five take their left fork before anyone goes on (the watch's pause), so
    # every right fork is taken and every patient philosopher must give up at least once.
    # The watched locks wake waiters through one condition, in step: retrying at once
    # livelocks on every run, on any build; only a random pause breaks the step.
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
            "down, wait a short random moment and try again. Waiting without a timeout, or "
            "retrying while still holding the left fork, keeps all five waiting for ever; "
            "what the locks saw is below."
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
    pauses = sorted(watch.retry_pauses)
    middle = pauses[len(pauses) // 2] if pauses else 0.0
    check(
        middle <= LONGEST_BACK_OFF,
        f"after putting the left fork down, the philosophers waited {middle * 1000:.0f} ms "
        f"(the median of {len(pauses)} pauses) before they reached for it again, with "
        "patience=0.005: a short random while is about as long as the patience "
        "(random.uniform(0, patience)). Longer, and the table mostly waits for nobody."
    )


# --- the test's accounts and forks, and how it runs them (the locks: kata/watched.py) -----


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


def run_watched(watch: Watch, fn, *, name: str, explain: str, seconds: float = timing.SOON):
    """Run fn(index) in watch.parties threads at once; fail on a deadlock or a stuck thread."""
    getattr(dining, "transfer", None)  # load the module here, not in several threads at once
    stuck = crashed = ""
    try:
        run_together(watch.parties, fn, seconds=seconds, expect=Broken, explain=explain, name=name)
    except pytest.fail.Exception as failed:  # stuck, not deadlocked: say who holds what
        retries = watch.retry_report()  # not stuck either, but retrying in step for ever
        message = failed.msg.replace(explain, retries) if retries and explain else failed.msg
        stuck = f"{message}\n{watch.snapshot()}"
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


def transfer_call(source: WatchedAccount, target: WatchedAccount, amount: int) -> str:
    return f"transfer(account {source.number}, account {target.number}, {amount})"


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
