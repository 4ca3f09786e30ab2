"""Another right design, in the shapes the race tests must not over-specify: withdraw
checks the balance that would be left ('if left < 0'), not 'amount > balance', and
deposit_all turns the amounts into a list before it takes the lock (so a slow iterator
never runs while the account is locked), then deposits them all under one hold.
A reader of balance sees the balance before the batch or after it, never in between.
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
        self._lock = threading.RLock()

    @property
    def balance(self) -> int:
        with self._lock:
            return int(self._ledger.read())

    def deposit(self, amount: int) -> int:
        with self._lock:
            balance = int(self._ledger.read()) + amount
            self._ledger.write(balance)
            return balance

    def withdraw(self, amount: int) -> int:
        with self._lock:
            balance = self._ledger.read()
            left = balance - amount
            if left < 0:
                raise InsufficientFunds(f"cannot withdraw {amount} from a balance of {int(balance)}")
            self._ledger.write(int(left))
            return int(left)

    def deposit_all(self, amounts: Iterable[int]) -> int:
        amounts = list(amounts)  # gone through once, before the lock
        with self._lock:
            for amount in amounts:
                self.deposit(amount)
            return int(self._ledger.read())
