"""Tests for 03_locks. Run them with:  pytest exercises/03_locks

Every test gives the account a RecordingLedger: as slow as bank.Ledger (the
read-pause-write window in which unguarded updates get lost), plus a record of who
wrote what, so a failure can say what happened.
"""

import threading
import time

from kata import finishes_within, implementation, run_together

bank = implementation("bank")

THREADS = 4
DEPOSITS_PER_THREAD = 10
OVERDRAW_ROUNDS = 30

REENTRANCY = (
    "deposit_all holds the account's lock and calls deposit, which asks for the same "
    "lock again. A threading.Lock is not re-entrant: the thread that holds it waits for "
    "itself forever (a self-deadlock). A threading.RLock lets the thread that holds it "
    "acquire it again; it is free once every acquire has been matched by a release."
)


class RecordingLedger:
    """Like bank.Ledger (a read or a write pauses before it is done), and it records writes."""

    def __init__(self, balance=0, delay=0.0005):
        self._balance = balance
        self.delay = delay
        self._records = threading.Condition()  # guards the records below, not the balance
        self.writes = []  # (thread name, balance written), in order
        self.between_read_and_write = set()
        self.most_at_once = 0  # most threads ever between a read and their write

    def read(self):
        balance = self._balance
        with self._records:
            self.between_read_and_write.add(threading.current_thread().name)
            self.most_at_once = max(self.most_at_once, len(self.between_read_and_write))
        time.sleep(self.delay)  # the pause: the window other threads run in
        return balance

    def write(self, balance):
        time.sleep(self.delay)
        self._balance = balance
        with self._records:
            self.between_read_and_write.discard(threading.current_thread().name)
            self.writes.append((threading.current_thread().name, balance))
            self._records.notify_all()

    @property
    def value(self):
        return self._balance

    def wait_for_write_by(self, thread_name, timeout):
        with self._records:
            return self._records.wait_for(
                lambda: any(name == thread_name for name, _ in self.writes), timeout
            )


def test_deposit_and_withdraw_keep_the_balance_in_the_ledger():
    ledger = RecordingLedger(100)
    account = bank.Account(ledger)
    assert account.deposit(50) == 150, "deposit returns the new balance"
    assert account.withdraw(30) == 120, "withdraw returns the new balance"
    assert account.balance == 120
    assert ledger.value == 120, (
        f"the ledger says {ledger.value}, the account says 120: keep the balance in the "
        "ledger (ledger.read() and ledger.write()), not in an attribute of the account"
    )


def test_withdrawing_too_much_raises_and_changes_nothing():
    ledger = RecordingLedger(40)
    account = bank.Account(ledger)
    try:
        account.withdraw(50)
    except bank.InsufficientFunds:
        pass
    else:
        raise AssertionError("withdraw(50) from a balance of 40 should raise InsufficientFunds")
    assert ledger.value == 40, f"a refused withdrawal changed the balance from 40 to {ledger.value}"
    assert ledger.writes == [], "a refused withdrawal should write nothing to the ledger"


def test_concurrent_deposits_lose_no_update():
    ledger = RecordingLedger(0)
    account = bank.Account(ledger)

    def deposit_many(_):
        for _ in range(DEPOSITS_PER_THREAD):
            account.deposit(1)

    run_together(THREADS, deposit_many)
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
    # A thread that checks, lets go of the lock and takes it again to withdraw usually
    # gets it back before anyone else can (locks are not fair), so one round may run the
    # threads in turn and show nothing: play several rounds, each on a fresh account.
    ledgers = [RecordingLedger(100, delay=0.0001) for _ in range(OVERDRAW_ROUNDS)]
    accounts = [bank.Account(ledger) for ledger in ledgers]
    next_round = threading.Barrier(THREADS, timeout=2.0)

    def withdraw_each_round(_):
        refused = 0
        for account in accounts:
            next_round.wait()
            try:
                account.withdraw(40)
            except bank.InsufficientFunds:
                refused += 1
        return refused

    refusals = run_together(THREADS, withdraw_each_round)
    for ledger in ledgers:
        assert ledger.value == 20, (
            f"{THREADS} threads each withdrew 40 from a balance of 100 and the ledger ends "
            f"at {ledger.value}; exactly 2 should succeed, leaving 20. Two threads both saw "
            "enough money before either took it. Check the balance and change it inside "
            "one hold of the lock, never check first and lock later."
        )
    assert sum(refusals) == (THREADS - 2) * OVERDRAW_ROUNDS, (
        f"{sum(refusals)} withdrawals were refused over {OVERDRAW_ROUNDS} rounds; "
        f"expected {THREADS - 2} refusals in each round"
    )


def test_deposits_and_withdrawals_share_the_lock():
    ledger = RecordingLedger(1000)
    account = bank.Account(ledger)

    def mixed(index):
        for _ in range(DEPOSITS_PER_THREAD):
            if index % 2:
                account.withdraw(1)
            else:
                account.deposit(2)

    run_together(THREADS, mixed)
    expected = 1000 + (THREADS // 2) * DEPOSITS_PER_THREAD * (2 - 1)
    assert ledger.value == expected, (
        f"half the threads deposited 2 at a time and half withdrew 1, so the ledger should "
        f"end at {expected}; it ends at {ledger.value}. withdraw and deposit must take the "
        "same lock, or one's write overwrites the other's."
    )


def test_deposit_all_can_call_deposit_while_holding_the_lock():
    ledger = RecordingLedger(10)
    account = bank.Account(ledger)
    balance = finishes_within(1.0, account.deposit_all, [1, 2, 3], explain=REENTRANCY)
    assert balance == 16 and ledger.value == 16, (
        f"deposit_all([1, 2, 3]) on a balance of 10 returned {balance} and left the ledger "
        f"at {ledger.value}; expected 16 for both"
    )


def test_deposit_all_lets_no_other_change_land_in_the_middle():
    ledger = RecordingLedger(0)
    account = bank.Account(ledger)
    batch_started = threading.Event()
    other = threading.Thread(
        target=lambda: batch_started.wait(5) and account.deposit(1000), name="other", daemon=True
    )
    other.start()
    deposit = account.deposit

    def deposit_then_let_the_other_thread_try(amount):
        balance = deposit(amount)
        if not batch_started.is_set():
            # Between two amounts of the batch: if deposit_all still holds the lock, the
            # other thread cannot write now. If it does not, it writes within moments.
            batch_started.set()
            ledger.wait_for_write_by("other", timeout=0.1)
        return balance

    account.deposit = deposit_then_let_the_other_thread_try  # shadows the method on this account
    try:
        finishes_within(1.0, account.deposit_all, [1] * 5, explain=REENTRANCY)
    finally:
        batch_started.set()
    other.join(5)
    writers = [name for name, _ in ledger.writes]
    assert ledger.value == 1005, f"the ledger ends at {ledger.value}, not 1005"
    assert writers.index("other") in (0, len(writers) - 1), (
        "another thread's deposit landed in the middle of deposit_all's batch; the ledger "
        f"was written by, in order: {writers}. deposit_all must hold the lock for the "
        "whole batch, not only inside each deposit."
    )


def test_the_lock_is_released_when_withdraw_raises():
    ledger = RecordingLedger(5)
    account = bank.Account(ledger)
    try:
        account.withdraw(10)
    except bank.InsufficientFunds:
        pass
    balance = finishes_within(
        1.0,
        account.deposit,
        1,
        explain=(
            "withdraw raised InsufficientFunds and the lock was never released, so every "
            "later caller waits forever. 'with self._lock:' releases the lock however the "
            "block ends; a bare acquire() needs its release() in a finally clause."
        ),
    )
    assert balance == 6
