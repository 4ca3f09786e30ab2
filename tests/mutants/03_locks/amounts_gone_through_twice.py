"""deposit_all goes through the amounts twice: once to check them, once to deposit them.
A list survives that, but amounts may be any iterable, and a generator is empty the
second time: the batch deposits nothing and says nothing.

Source: https://thecodeforge.io/python/iterators-iterables-python/ ("Reusing an iterator
causes silent empty loops"), and the Python glossary, "iterator": "Attempting this with
an iterator will just return the same exhausted iterator object used in the previous
iteration pass, making it appear like an empty container."
Caught by: test_deposit_all_can_call_deposit_while_holding_the_lock
Says: loop over it once
"""

from kata.runner import load_reference

load_reference("03_locks", globals())  # everything as in the reference solution, except:


def deposit_all(self, amounts):
    with self._lock:
        if any(amount < 0 for amount in amounts):  # the first pass
            raise ValueError("a deposit must not be negative")
        for amount in amounts:  # the second pass: empty for a generator
            self.deposit(amount)
        return self._ledger.read()


Account.deposit_all = deposit_all
