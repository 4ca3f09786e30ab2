"""Only deposit takes the lock; withdraw reads and writes the ledger unguarded, so a
withdrawal and a deposit can overwrite each other.

Caught by: test_deposits_and_withdrawals_share_the_lock
"""

from kata.runner import load_reference

load_reference("03_locks", globals())  # everything as in the reference solution, except:


def withdraw(self, amount):
    balance = self._ledger.read()
    if amount > balance:
        raise InsufficientFunds(f"cannot withdraw {amount} from a balance of {balance}")
    self._ledger.write(balance - amount)
    return balance - amount


Account.withdraw = withdraw
