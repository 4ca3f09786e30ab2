"""One module-level lock around every transfer (then the account locks, in any order): it
cannot deadlock, but every transfer waits for every other one, even those that share no
account. The exercise asks for transfers between different accounts to run at once.

Caught by: test_transfers_between_different_accounts_run_at_the_same_time
Says: never held their locks at the same time
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from kata.runner import load_reference

load_reference("14_deadlocks", globals())  # everything as in the reference solution, except:


_BANK = threading.Lock()  # one lock for every transfer


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
    with _BANK, source.lock, target.lock:
        source.balance -= amount
        target.balance += amount
