"""Keeps the balance in an attribute of the account and never writes the ledger: the
bank's record of the money is never updated.

Caught by: test_deposit_and_withdraw_keep_the_balance_in_the_ledger
"""

from kata.runner import load_reference

load_reference("03_locks", globals())  # everything as in the reference solution, except:


def balance(self):
    with self._lock:
        return getattr(self, "_cached", self._ledger.read())


def deposit(self, amount):
    with self._lock:
        self._cached = self.balance + amount
        return self._cached


def withdraw(self, amount):
    with self._lock:
        if amount > self.balance:
            raise InsufficientFunds(f"cannot withdraw {amount} from a balance of {self.balance}")
        self._cached = self.balance - amount
        return self._cached


Account.balance = property(balance)
Account.deposit = deposit
Account.withdraw = withdraw
