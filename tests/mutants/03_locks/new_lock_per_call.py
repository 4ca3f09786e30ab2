"""A new lock created inside each call: every caller gets a lock of its own, so nobody
ever waits for anybody and the lock guards nothing.

Caught by: test_concurrent_deposits_lose_no_update
"""

from kata.runner import load_reference

load_reference("03_locks", globals())  # everything as in the reference solution, except:


def deposit(self, amount):
    with threading.RLock():
        balance = self._ledger.read() + amount
        self._ledger.write(balance)
        return balance


Account.deposit = deposit
