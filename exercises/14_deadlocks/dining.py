"""14_deadlocks: transfers that never deadlock, and philosophers who all get to eat.

Read README.md in this folder, then replace each ``raise NotImplementedError`` below.
Check your work with:  pytest exercises/14_deadlocks
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Account:
    """A bank account: a number no other account has, a balance, and the lock that guards it.

    Given; don't change it. Whoever reads or changes ``balance`` holds ``lock`` meanwhile.
    ``number`` never changes and no two accounts share one: every thread can use it as
    the order in which to take the locks of two accounts.
    """

    def __init__(self, number: int, balance: int = 0) -> None:
        self.number = number
        self.balance = balance
        self.lock = threading.Lock()


class Fork:
    """A fork on the philosophers' table: a number no other fork has, and its lock.

    Given; don't change it. Holding ``lock`` means holding the fork.
    """

    def __init__(self, number: int) -> None:
        self.number = number
        self.lock = threading.Lock()


def transfer(source: Account, target: Account, amount: int) -> None:
    """Move ``amount`` from ``source`` to ``target``, holding both accounts' locks meanwhile.

    Take the two locks in the same order in every call, whichever account is the
    source: the account with the smaller ``number`` first. (Source first, then target,
    deadlocks as soon as two transfers run in opposite directions.) Balances may go
    below zero; this bank allows overdrafts. A transfer from an account to itself
    changes nothing and must not wait for ever for a lock it already holds. Transfers
    that share no account must be able to run at the same time: no lock for everything.
    """
    raise NotImplementedError


def dine(philosopher: int, left: Fork, right: Fork, meals: int, eat: Callable[[int], None]) -> None:
    """Eat ``meals`` meals: for each, pick up both forks, call ``eat(philosopher)``, put both down.

    Pick the forks up in one order every philosopher agrees on: the fork with the
    smaller ``number`` first. (Everyone taking the left fork first deadlocks as soon as
    all of them hold their left fork at once.) If ``eat`` raises, put both forks down
    and let the exception go on to the caller.
    """
    raise NotImplementedError


def dine_with_patience(
    philosopher: int,
    left: Fork,
    right: Fork,
    meals: int,
    eat: Callable[[int], None],
    patience: float = 0.01,
) -> None:
    """Like ``dine``, without an order: pick up the left fork, then wait at most ``patience``
    seconds for the right one (``acquire(timeout=patience)``).

    If the right fork does not come, put the left one down again, wait a short random
    while so that neighbours who gave up at the same moment do not reach for their forks
    in step again, and start over. Eat ``meals`` meals, each holding both forks; if
    ``eat`` raises, put both forks down and let the exception go on, as ``dine`` does.
    """
    raise NotImplementedError
