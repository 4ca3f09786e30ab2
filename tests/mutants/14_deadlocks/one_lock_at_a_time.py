"""Never holds two locks at once (no deadlock possible): the source under its lock, then
the target under its lock. Each balance is guarded, so no money is lost here, but for a
moment the money is in neither account; a reader holding both locks could see it gone.
The transfer is not one step; the docstring asks for both locks meanwhile.

Caught by: test_a_transfer_moves_the_money_holding_both_locks
Says: while it held only
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
        source.balance -= amount
    with target.lock:
        target.balance += amount
