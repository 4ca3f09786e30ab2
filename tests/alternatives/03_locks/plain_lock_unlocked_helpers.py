"""Another right design: a plain threading.Lock instead of an RLock. Every public method
takes the lock exactly once and does its work in private helpers that assume the lock is
held and never take it (``_deposit_locked``, ``_withdraw_locked``), so deposit_all holds
the lock for the whole batch and calls the helper, not the locking deposit(): nothing is
ever acquired twice by one thread, and re-entrancy is not needed at all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from kata.runner import load_reference

load_reference("03_locks", globals())  # everything as in the reference solution, except:


class Account:
    """A bank account whose balance lives in a ``Ledger`` and which many threads may use at once."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._lock = threading.Lock()  # not re-entrant: the helpers below never take it

    # --- the caller holds self._lock -----------------------------------------------------

    def _deposit_locked(self, amount: int) -> int:
        balance = self._ledger.read() + amount
        self._ledger.write(balance)
        return balance

    def _withdraw_locked(self, amount: int) -> int:
        balance = self._ledger.read()
        if amount > balance:
            raise InsufficientFunds(f"cannot withdraw {amount} from a balance of {balance}")
        self._ledger.write(balance - amount)
        return balance - amount

    # --- public: each takes the lock once ------------------------------------------------

    @property
    def balance(self) -> int:
        with self._lock:
            return self._ledger.read()

    def deposit(self, amount: int) -> int:
        with self._lock:
            return self._deposit_locked(amount)

    def withdraw(self, amount: int) -> int:
        with self._lock:
            return self._withdraw_locked(amount)

    def deposit_all(self, amounts: Iterable[int]) -> int:
        with self._lock:
            for amount in amounts:
                self._deposit_locked(amount)
            return self._ledger.read()
