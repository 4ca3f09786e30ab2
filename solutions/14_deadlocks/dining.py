"""14_deadlocks: transfers that never deadlock, and philosophers who all get to eat.

Reference solution. Whoever needs two locks takes them in one global order (the smaller
number first), so no thread can ever hold the lock another one is waiting for while
waiting for one that the other holds. ``dine_with_patience`` shows the fallback for when
no such order exists: never wait for the second lock for long, and on giving up put the
first one back.
"""

from __future__ import annotations

import random
import threading
import time
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
    if source is target:
        return  # nothing moves, and a threading.Lock cannot be taken twice by one thread
    first, second = sorted((source, target), key=lambda account: account.number)
    with first.lock, second.lock:
        source.balance -= amount
        target.balance += amount


def dine(philosopher: int, left: Fork, right: Fork, meals: int, eat: Callable[[int], None]) -> None:
    """Eat ``meals`` meals: for each, pick up both forks, call ``eat(philosopher)``, put both down.

    Pick the forks up in one order every philosopher agrees on: the fork with the
    smaller ``number`` first. (Everyone taking the left fork first deadlocks as soon as
    all of them hold their left fork at once.) If ``eat`` raises, put both forks down
    and let the exception go on to the caller.
    """
    first, second = sorted((left, right), key=lambda fork: fork.number)
    for _ in range(meals):
        with first.lock, second.lock:
            eat(philosopher)


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
    eaten = 0
    while eaten < meals:
        with left.lock:
            got_right = right.lock.acquire(timeout=patience)
            if got_right:
                try:
                    eat(philosopher)
                finally:
                    right.lock.release()
                eaten += 1
        if not got_right:
            # The left fork is down again (the with-block ended). Back off for a random
            # moment: if everyone retried at once, they could all take their left fork
            # again and give up again, round after round (a livelock).
            time.sleep(random.uniform(0, patience))
