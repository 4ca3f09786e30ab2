"""The lock covers the read but not the write: two threads can still both read the same
balance before either writes it back.

Caught by: test_concurrent_deposits_lose_no_update
"""

from kata.runner import load_reference

load_reference("03_locks", globals())  # everything as in the reference solution, except:


def deposit(self, amount):
    with self._lock:
        balance = self._ledger.read() + amount
    self._ledger.write(balance)
    return balance


Account.deposit = deposit
