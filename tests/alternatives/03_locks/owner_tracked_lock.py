"""Another right design: a plain threading.Lock that remembers which thread holds it (its
``threading.get_ident()``), instead of an RLock. deposit_all takes the lock and then
calls the public deposit() for each amount, as the task says; deposit sees that its own
thread already holds the lock and does its read-add-write without taking it again. Only
the holder can see its own ident in ``_owner`` (it sets it after acquiring and clears it
before releasing), so no other thread ever skips the lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager

from kata.runner import load_reference

load_reference("03_locks", globals())  # everything as in the reference solution, except:


class Account:
    """A bank account whose balance lives in a ``Ledger`` and which many threads may use at once."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._lock = threading.Lock()
        self._owner: int | None = None  # ident of the thread holding _lock, else None

    @contextmanager
    def _held(self):
        """Hold the account's lock for the block; if this thread already holds it, just go on."""
        me = threading.get_ident()
        if self._owner == me:  # our own outer call holds it: taking it again would deadlock
            yield
            return
        with self._lock:
            self._owner = me
            try:
                yield
            finally:
                self._owner = None

    @property
    def balance(self) -> int:
        with self._held():
            return self._ledger.read()

    def deposit(self, amount: int) -> int:
        with self._held():
            balance = self._ledger.read() + amount
            self._ledger.write(balance)
            return balance

    def withdraw(self, amount: int) -> int:
        with self._held():
            balance = self._ledger.read()
            if amount > balance:
                raise InsufficientFunds(f"cannot withdraw {amount} from a balance of {balance}")
            self._ledger.write(balance - amount)
            return balance - amount

    def deposit_all(self, amounts: Iterable[int]) -> int:
        with self._held():
            for amount in amounts:
                self.deposit(amount)
            return self._ledger.read()
