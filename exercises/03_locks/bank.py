"""03_locks: a bank account that loses no money when many threads use it at once.

Read README.md in this folder, then replace each ``raise NotImplementedError`` below.
Check your work with:  pytest exercises/03_locks
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable


class InsufficientFunds(ValueError):
    """Raised by ``withdraw`` when the balance is too small; the balance is left as it was."""


class Ledger:
    """Where an account's balance is kept: think of a row in a database. Given; don't change it.

    Reading and writing each take a moment, like a round trip to a database, and while
    one thread waits other threads run. The time between reading a balance and the new
    one landing is the window in which an unguarded update gets lost.
    """

    def __init__(self, balance: int = 0, delay: float = 0.0005) -> None:
        self._balance = balance
        self.delay = delay

    def read(self) -> int:
        balance = self._balance
        time.sleep(self.delay)
        return balance

    def write(self, balance: int) -> None:
        time.sleep(self.delay)
        self._balance = balance


class Account:
    """A bank account whose balance lives in a ``Ledger`` and which many threads may use at once."""

    def __init__(self, ledger: Ledger) -> None:
        """Keep the ledger, and create the one lock that guards it for this account."""
        raise NotImplementedError

    @property
    def balance(self) -> int:
        """The current balance, read under the lock so no half-done batch is ever seen."""
        raise NotImplementedError

    def deposit(self, amount: int) -> int:
        """Add ``amount`` to the balance and return the new balance.

        Read the ledger, add, write it back: all three under the account's lock.
        """
        raise NotImplementedError

    def withdraw(self, amount: int) -> int:
        """Take ``amount`` from the balance and return the new balance.

        Raise ``InsufficientFunds`` and change nothing if the balance is smaller than
        ``amount``. The check and the change are one step under the lock: checking first
        and changing later lets two threads both pass the check.
        """
        raise NotImplementedError

    def deposit_all(self, amounts: Iterable[int]) -> int:
        """Deposit every amount, by calling ``deposit`` for each, as one step; return the balance.

        Hold the account's lock for the whole batch so that no other thread's deposit or
        withdrawal lands between two of its amounts. ``deposit`` takes the same lock
        again while it is held: only a re-entrant lock allows that.
        """
        raise NotImplementedError
