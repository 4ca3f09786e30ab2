"""acquire() and release() by hand, with the release skipped when InsufficientFunds is
raised: the lock stays held and every later caller waits forever.

Caught by: test_the_lock_is_released_when_withdraw_raises
"""

from kata.runner import load_reference

load_reference("03_locks", globals())  # everything as in the reference solution, except:


def withdraw(self, amount):
    self._lock.acquire()
    balance = self._ledger.read()
    if amount > balance:
        raise InsufficientFunds(f"cannot withdraw {amount} from a balance of {balance}")
    self._ledger.write(balance - amount)
    self._lock.release()
    return balance - amount


Account.withdraw = withdraw
