"""transfer takes the locks by hand (acquire() ... release()) and, for a transfer to the
same account, returns early after the first acquire: the account's lock stays held, and
the next transfer that touches the account waits for ever.

Source: Python docs, threading, "Using locks, conditions, and semaphores in the with
statement" (https://docs.python.org/3/library/threading.html#using-locks-conditions-and-semaphores-in-the-with-statement), and the
README's "What changed since Python 2": "If anything between them raises [or returns],
the lock stays held and every later caller is stuck."
Caught by: test_a_transfer_to_the_same_account_changes_nothing
Says: every lock it took, given back
"""

from kata.runner import load_reference

load_reference("14_deadlocks", globals())  # everything as in the reference solution, except:


def transfer(source, target, amount):
    first, second = sorted((source, target), key=lambda account: account.number)
    first.lock.acquire()
    if first is second:
        return  # nothing to move... and the lock is never released
    second.lock.acquire()
    source.balance -= amount
    target.balance += amount
    second.lock.release()
    first.lock.release()
