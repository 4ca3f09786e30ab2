"""deposit_all avoids the self-deadlock by not holding the lock itself: each deposit is
safe, but another thread's change can land between two amounts of the batch.

Caught by: test_deposit_all_lets_no_other_change_or_read_land_in_the_middle
"""

from kata.runner import load_reference

load_reference("03_locks", globals())  # everything as in the reference solution, except:


def deposit_all(self, amounts):
    for amount in amounts:
        self.deposit(amount)
    return self.balance


Account.deposit_all = deposit_all
