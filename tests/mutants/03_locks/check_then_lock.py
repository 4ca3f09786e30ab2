"""withdraw checks the balance, then takes the lock to change it: two threads can both
pass the check before either withdraws (check-then-act).

Caught by: test_concurrent_withdrawals_never_overdraw
"""

from kata.runner import load_reference

load_reference("03_locks", globals())  # everything as in the reference solution, except:


def withdraw(self, amount):
    if amount > self.balance:
        raise InsufficientFunds(f"cannot withdraw {amount} from a balance of {self.balance}")
    with self._lock:
        balance = self._ledger.read() - amount
        self._ledger.write(balance)
        return balance


Account.withdraw = withdraw
