"""The balance property reads the ledger without the lock ("reading a variable is atomic
under the GIL, only writers need the lock"). Each read is whole, but it can land in the
middle of deposit_all's batch and report a balance that was never meant to be seen.

Source: https://geek-questions.imtqy.com/articles/1301055/index.html ("It is always safe
to get or set variables in multiple threads"), and the Q&A thread
https://codemia.io/knowledge-hub/path/are_locks_unnecessary_in_multi-threaded_python_code_because_of_the_gil
Caught by: test_deposit_all_lets_no_other_change_or_read_land_in_the_middle
Says: a half-done batch
"""

from kata.runner import load_reference

load_reference("03_locks", globals())  # everything as in the reference solution, except:


def balance(self):
    return self._ledger.read()  # no lock: "a read cannot corrupt anything"


Account.balance = property(balance)
