""""Fixes" the deadlock with acquire(timeout=...) but ignores what it returns: when the
time runs out it changes the balance without the lock, then releases a lock another
thread holds.

Caught by: test_transfers_in_opposite_directions_do_not_deadlock, test_many_concurrent_transfers_conserve_money
Says: without holding account
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from kata.runner import load_reference

load_reference("14_deadlocks", globals())  # everything as in the reference solution, except:


def transfer(source: Account, target: Account, amount: int) -> None:
    """Move ``amount`` from ``source`` to ``target``, holding both accounts' locks meanwhile.

    Take the two locks in the same order in every call, whichever account is the
    source: the account with the smaller ``number`` first. (Source first, then target,
    deadlocks as soon as two transfers run in opposite directions.) Balances may go
    below zero; this bank allows overdrafts. A transfer from an account to itself
    changes nothing and must not wait for ever for a lock it already holds. Transfers
    that share no account must be able to run at the same time: no lock for everything.
    """
    if source is target:
        return
    with source.lock:
        target.lock.acquire(timeout=0.05)
        try:
            source.balance -= amount
            target.balance += amount
        finally:
            target.lock.release()
