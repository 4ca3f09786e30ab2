"""Tests for 03_locks. Run them with:  pytest exercises/03_locks

Every test gives the account a RecordingLedger: as slow as bank.Ledger, plus a record of
who read and wrote what, so a failure can say what happened. The race tests do not wait
for the interpreter to switch threads at the wrong moment: the ledger makes the losing
interleaving itself (see RecordingLedger), so a wrong answer fails on every run, on every
interpreter, with or without a GIL.
"""

import threading
import time

from kata import Call, finishes_within, implementation, run_together, timing

bank = implementation("bank")

THREADS = 4
DEPOSITS_PER_THREAD = 10
# A window, not a bound: how long the ledger holds one thread back, once per ledger,
# watching for another thread to arrive at the same step (which a lock must prevent). A
# right answer's lock keeps the others out, so it costs a right answer this once; a wrong
# answer's threads arrive within microseconds. (The bounds are kata.timing's.)
OVERLAP_WINDOW = 0.05

REENTRANCY = (
    "deposit_all holds the account's lock and calls deposit, which asks for the same "
    "lock again. A threading.Lock is not re-entrant: the thread that holds it waits for "
    "itself forever (a self-deadlock). A threading.RLock lets the thread that holds it "
    "acquire it again; it is free once every acquire has been matched by a release."
)


def test_deposit_and_withdraw_keep_the_balance_in_the_ledger():
    ledger = RecordingLedger(100)
    account = bank.Account(ledger)
    deposited = account.deposit(50)
    assert type(deposited) is int and deposited == 150, (
        f"deposit(50) on a balance of 100 returned {deposited!r}; it returns the new balance, 150"
    )
    withdrawn = account.withdraw(30)
    assert type(withdrawn) is int and withdrawn == 120, (
        f"withdraw(30) from a balance of 150 returned {withdrawn!r}; it returns the new balance, 120"
    )
    balance = account.balance
    assert type(balance) is int and balance == 120, f"balance is {balance!r}, not 120"
    assert ledger.value == 120 and [b for _, b in ledger.writes] == [150, 120], (
        f"the ledger says {ledger.value} and was written {ledger.writes}; the account says "
        "120: keep the balance in the ledger (ledger.read() and ledger.write()), not in an "
        "attribute of the account"
    )
    before = len(ledger.reads)
    assert account.balance == 120 and len(ledger.reads) > before, (
        "reading balance did not read the ledger: another thread may have changed it since"
    )


def test_withdrawing_too_much_raises_and_changes_nothing():
    ledger = RecordingLedger(40)
    account = bank.Account(ledger)
    refused = raises(bank.InsufficientFunds, account.withdraw, 50)
    assert refused, f"withdraw(50) from a balance of 40 returned {refused.value!r}; it should raise InsufficientFunds"
    assert isinstance(refused.error, ValueError), "InsufficientFunds is a ValueError (as given)"
    assert ledger.value == 40, f"a refused withdrawal changed the balance from 40 to {ledger.value}"
    assert ledger.writes == [], "a refused withdrawal should write nothing to the ledger"
    everything = raises(bank.InsufficientFunds, account.withdraw, 40)
    assert not everything and everything.value == 0 and type(everything.value) is int, (
        f"withdraw(40) from a balance of exactly 40 {everything}; taking the whole balance "
        "is allowed and leaves 0. Only an amount larger than the balance is refused: "
        "'amount > balance', not '>='."
    )
    assert raises(bank.InsufficientFunds, account.withdraw, 1), (
        "withdraw(1) from a balance of 0 should raise InsufficientFunds"
    )
    assert ledger.value == 0, f"the ledger ends at {ledger.value}, not 0"


def test_concurrent_deposits_lose_no_update():
    # Forced: the first write waits (up to OVERLAP_WINDOW) until a second thread is
    # between its read and its write too, so without a shared lock two threads always
    # hold the same old balance. This needs no GIL switch: on a free-threaded build the
    # gate works the same, and the lock of a right answer keeps the second thread out.
    ledger = RecordingLedger(0, overlap_window=OVERLAP_WINDOW)
    account = bank.Account(ledger)

    def deposit_many(_):
        for _ in range(DEPOSITS_PER_THREAD):
            account.deposit(1)

    run_together(THREADS, deposit_many, seconds=timing.SOON)
    expected = THREADS * DEPOSITS_PER_THREAD
    lost = expected - ledger.value
    assert lost == 0, (
        f"{lost} of {expected} deposits were lost: the ledger ends at {ledger.value}, not "
        f"{expected}. Up to {ledger.most_at_once} threads were between reading the balance "
        "and writing it back at the same time, so each wrote back the old balance plus "
        "its own amount, and overwrote the others. Guard the whole read-add-write with "
        "one lock that every thread shares: create it once, in __init__."
    )
    assert ledger.most_at_once == 1, (
        f"the total came out right, but {ledger.most_at_once} threads were between "
        "reading and writing the balance at once: it was luck, not the lock"
    )


def test_concurrent_withdrawals_never_overdraw():
    # Forced: each withdrawal's check (the comparison of a balance read from the ledger)
    # waits, up to OVERLAP_WINDOW, until every thread has checked. Check-then-lock
    # (the check's lock let go before the change) lets all four threads see 100 and all
    # four withdraw, every run, on every interpreter, with or without a GIL: the gate is
    # a condition, not a hope that the interpreter hands the lock over at the right
    # moment. A right answer checks while it holds the lock, so nobody else can check;
    # the first check gives up waiting once and the rest go through without a pause.
    ledger = RecordingLedger(100, delay=0.0001, check_gate=THREADS)
    account = bank.Account(ledger)

    def withdraw(_):
        return account.withdraw(40)

    results = run_together(THREADS, withdraw, seconds=timing.SOON, expect=bank.InsufficientFunds)
    refused = [r for r in results if isinstance(r, bank.InsufficientFunds)]
    assert ledger.value == 20, (
        f"{THREADS} threads each withdrew 40 from a balance of 100 and the ledger ends at "
        f"{ledger.value}; exactly 2 should succeed, leaving 20. {ledger.checked_at_once} "
        "threads had checked the balance before any of them wrote the new one: they all "
        "saw enough money before anyone took it. Check the balance and change it inside "
        "one hold of the lock; never check first and lock later."
    )
    assert len(refused) == THREADS - 2, (
        f"{len(refused)} of {THREADS} withdrawals were refused; expected {THREADS - 2}: "
        f"they returned or raised {results}"
    )
    assert sorted(r for r in results if not isinstance(r, BaseException)) == [20, 60], (
        f"the two withdrawals that succeeded returned {results}; expected 60 and 20, the "
        "balance each one left"
    )


def test_deposits_and_withdrawals_share_the_lock():
    # Forced like the deposits: the first write waits until a second thread is between
    # its read and its write, which a withdraw without the deposit's lock always is.
    ledger = RecordingLedger(1000, overlap_window=OVERLAP_WINDOW)
    account = bank.Account(ledger)

    def mixed(index):
        for _ in range(DEPOSITS_PER_THREAD):
            if index % 2:
                account.withdraw(1)
            else:
                account.deposit(2)

    run_together(THREADS, mixed, seconds=timing.SOON)
    expected = 1000 + (THREADS // 2) * DEPOSITS_PER_THREAD * (2 - 1)
    assert ledger.value == expected, (
        f"half the threads deposited 2 at a time and half withdrew 1, so the ledger should "
        f"end at {expected}; it ends at {ledger.value}. withdraw and deposit must take the "
        "same lock, or one's write overwrites the other's."
    )


def test_deposit_all_can_call_deposit_while_holding_the_lock():
    ledger = RecordingLedger(10)
    account = bank.Account(ledger)
    balance = finishes_within(timing.AT_ONCE, account.deposit_all, [1, 2, 3], explain=REENTRANCY)
    assert type(balance) is int and balance == 16 and ledger.value == 16, (
        f"deposit_all([1, 2, 3]) on a balance of 10 returned {balance!r} and left the ledger "
        f"at {ledger.value}; expected 16 for both"
    )
    balance = finishes_within(timing.AT_ONCE, account.deposit_all, (n for n in (4, 5)), explain=REENTRANCY)
    assert balance == 25 and ledger.value == 25, (
        f"deposit_all(a generator of 4 and 5) on a balance of 16 returned {balance!r} and left "
        f"the ledger at {ledger.value}; expected 25. amounts may be any iterable, and an "
        "iterator can be gone through only once: loop over it once."
    )
    writes = len(ledger.writes)
    balance = finishes_within(timing.AT_ONCE, account.deposit_all, [], explain=REENTRANCY)
    assert type(balance) is int and balance == 25 and len(ledger.writes) == writes, (
        f"deposit_all([]) on a balance of 25 returned {balance!r}: an empty batch "
        "deposits nothing and returns the balance as it is"
    )


def test_deposit_all_lets_no_other_change_or_read_land_in_the_middle():
    # Forced: the batch's amounts come from the test. Asked for its second amount, the
    # iterator lets a depositor and a reader loose and waits (up to OVERLAP_WINDOW)
    # until both have read the ledger. While deposit_all holds the lock they cannot, on
    # any interpreter; if deposit_all or balance does not take it, they read in the middle
    # of the batch on every run.
    ledger = RecordingLedger(0)
    account = bank.Account(ledger)
    batch_started = threading.Event()
    held = timing.HOLD_LIMIT  # both wait for the test's word; the finally below gives it
    depositor = Call(lambda: batch_started.wait(held) and account.deposit(1000), name="depositor")
    reader = Call(lambda: batch_started.wait(held) and account.balance, name="reader")

    def amounts():
        yield 1
        batch_started.set()  # between the first amount and the second
        ledger.wait_for_reads_by({"depositor", "reader"}, OVERLAP_WINDOW)
        yield from [1] * 4

    try:
        balance = finishes_within(timing.AT_ONCE, account.deposit_all, amounts(), explain=REENTRANCY)
    finally:
        batch_started.set()
    depositor.finish(timing.SOON, "another thread's deposit(1000)")
    seen = reader.finish(timing.SOON, "another thread's read of balance")
    writers = [name for name, _ in ledger.writes]
    assert ledger.value == 1005, f"the ledger ends at {ledger.value}, not 1005"
    assert writers.index("depositor") in (0, len(writers) - 1), (
        "another thread's deposit landed in the middle of deposit_all's batch; the ledger "
        f"was written by, in order: {writers}. deposit_all must hold the lock for the "
        "whole batch, not only inside each deposit."
    )
    assert type(balance) is int and balance in (5, 1005), (
        f"deposit_all of five amounts of 1 returned {balance!r}, not the balance after its batch"
    )
    assert type(seen) is int and seen in (0, 5, 1000, 1005), (
        f"another thread read balance while deposit_all was between two amounts and got "
        f"{seen!r}: a half-done batch. balance must take the account's lock too, so a "
        "read waits for the batch to end."
    )


def test_the_lock_is_released_when_withdraw_raises():
    ledger = RecordingLedger(5)
    account = bank.Account(ledger)
    try:  # in the test's own thread: a lock left held belongs to a thread that lives on
        returned = account.withdraw(10)
    except bank.InsufficientFunds:
        pass
    else:
        raise AssertionError(f"withdraw(10) from a balance of 5 returned {returned!r}; it should raise InsufficientFunds")
    explain = (
        "withdraw raised InsufficientFunds and the lock was never released, so every "
        "later caller waits forever. 'with self._lock:' releases the lock however the "
        "block ends; a bare acquire() needs its release() in a finally clause."
    )
    other = Call(account.deposit, 1, name="another thread")
    balance = other.finish(timing.AT_ONCE, "deposit(1) in another thread, after the refused withdrawal", explain)
    assert type(balance) is int and balance == 6, f"deposit(1) on a balance of 5 returned {balance!r}"


# --- the test doubles ------------------------------------------------------------------


class RecordingLedger:
    """Like bank.Ledger (a read or a write pauses before it is done), and it records who
    read and wrote. Two gates, each on request, force the losing interleaving:

    - ``overlap_window``: the first write waits until another thread is between its
      read and its write too (the lost update), or until that window is over;
    - ``check_gate=N``: read() hands out the balance as a SeenBalance, and comparing one
      (the check of a withdrawal) waits until N threads have compared, or until
      OVERLAP_WINDOW runs out the first time; after that, nobody waits.

    ``delay`` is the read's and the write's pause, a window too: the moment other threads
    run in, as a round trip to a real ledger would give them.
    """

    def __init__(self, balance=0, delay=0.0005, overlap_window=0.0, check_gate=0):
        self._balance = balance
        self.delay = delay
        self._records = threading.Condition()  # guards the records below, not the balance
        self.reads = []  # thread names, in order
        self.writes = []  # (thread name, balance written), in order
        self.between_read_and_write = set()
        self.most_at_once = 0  # most threads ever between a read and their write
        self._overlap_window = overlap_window
        self._check_gate = check_gate
        self._checkers = set()
        self.checked_at_once = 0  # most threads that had checked before the first write

    def read(self):
        balance = self._balance
        me = threading.current_thread().name
        with self._records:
            self.reads.append(me)
            self.between_read_and_write.add(me)
            self.most_at_once = max(self.most_at_once, len(self.between_read_and_write))
            self._records.notify_all()
        time.sleep(self.delay)  # the pause: the window other threads run in
        return SeenBalance(balance, self) if self._check_gate else balance

    def write(self, balance):
        me = threading.current_thread().name
        with self._records:
            if self._overlap_window:
                self._records.wait_for(lambda: self.most_at_once > 1, self._overlap_window)
                self._overlap_window = 0.0  # once: a right answer pays it a single time
            if self._check_gate and not self.writes:
                self.checked_at_once = len(self._checkers)
        time.sleep(self.delay)
        self._balance = int(balance)
        with self._records:
            self.between_read_and_write.discard(me)
            self.writes.append((me, int(balance)))
            self._records.notify_all()

    def checked(self):
        """A thread compares a balance it read: the check of check-then-act."""
        with self._records:
            self._checkers.add(threading.current_thread().name)
            self._records.notify_all()
            if self._check_gate and not self._records.wait_for(
                lambda: len(self._checkers) >= self._check_gate, OVERLAP_WINDOW
            ):
                self._check_gate = 0  # nobody else could check: a lock keeps them out

    @property
    def value(self):
        return self._balance

    def wait_for_reads_by(self, names, timeout):
        with self._records:
            return self._records.wait_for(lambda: names <= set(self.reads), timeout)


class SeenBalance(int):
    """A balance as read from the ledger. Comparing it is a withdrawal's check: it tells
    the ledger, which may hold the thread there (see RecordingLedger)."""

    def __new__(cls, value, ledger):
        seen = super().__new__(cls, value)
        seen._ledger = ledger
        return seen

    def _compare(self, other, op):
        if not isinstance(other, int):
            return NotImplemented
        self._ledger.checked()
        return op(int(self), int(other))

    def __lt__(self, other):
        return self._compare(other, int.__lt__)

    def __le__(self, other):
        return self._compare(other, int.__le__)

    def __gt__(self, other):
        return self._compare(other, int.__gt__)

    def __ge__(self, other):
        return self._compare(other, int.__ge__)

    def __sub__(self, other):  # balance - amount, compared later, is still a seen balance
        return SeenBalance(int(self) - other, self._ledger) if isinstance(other, int) else NotImplemented

    def __rsub__(self, other):
        return SeenBalance(other - int(self), self._ledger) if isinstance(other, int) else NotImplemented


class Outcome:
    """What a call returned (``value``) or raised (``error``); true if it raised."""

    def __init__(self, value=None, error=None):
        self.value, self.error = value, error

    def __bool__(self):
        return self.error is not None

    def __str__(self):
        return f"raised {self.error!r}" if self.error is not None else f"returned {self.value!r}"


def raises(kind, fn, *args):
    """fn(*args) in a helper thread (failing fast if it is stuck); Outcome of it. An
    exception that is not a `kind` is raised here."""
    try:
        return Outcome(value=finishes_within(timing.AT_ONCE, fn, *args))
    except kind as exc:
        return Outcome(error=exc)
