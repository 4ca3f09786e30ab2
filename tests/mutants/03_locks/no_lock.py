"""No lock at all: every thread reads, pauses and writes whenever it likes.

Caught by: test_concurrent_deposits_lose_no_update, test_concurrent_withdrawals_never_overdraw
Says: deposits were lost
"""

from kata.runner import load_reference

load_reference("03_locks", globals())  # everything as in the reference solution, except:


def deposit(self, amount):
    balance = self._ledger.read() + amount
    self._ledger.write(balance)
    return balance


def withdraw(self, amount):
    balance = self._ledger.read()
    if amount > balance:
        raise InsufficientFunds(f"cannot withdraw {amount} from a balance of {balance}")
    self._ledger.write(balance - amount)
    return balance - amount


Account.deposit = deposit
Account.withdraw = withdraw
