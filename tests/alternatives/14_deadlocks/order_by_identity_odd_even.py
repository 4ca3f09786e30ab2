"""Another right design: a different global order. transfer orders the two locks by
``id(account)`` (every thread sees the same id for the same live object, so it is an
order they all agree on) instead of by ``number``. dine is the textbook asymmetric
solution: even-numbered philosophers pick up the left fork first, odd-numbered ones the
right fork first, instead of the smaller-numbered fork first. Round the table
(philosopher i between fork i and fork i+1) some fork is then the second fork of both
its neighbours, so nobody holds it while waiting and the ring of waits cannot close.
dine_with_patience releases by hand in try/finally and backs off with Event().wait.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

from kata.runner import load_reference

load_reference("14_deadlocks", globals())  # everything as in the reference solution, except:


def transfer(source: Account, target: Account, amount: int) -> None:
    if source is target:
        return  # one account, one lock: taking it twice would wait for ever
    first, second = (source, target) if id(source) < id(target) else (target, source)
    with first.lock:
        with second.lock:
            source.balance -= amount
            target.balance += amount


def dine(philosopher: int, left: Fork, right: Fork, meals: int, eat: Callable[[int], None]) -> None:
    first, second = (left, right) if philosopher % 2 == 0 else (right, left)
    for _ in range(meals):
        with first.lock:
            with second.lock:
                eat(philosopher)


def dine_with_patience(
    philosopher: int,
    left: Fork,
    right: Fork,
    meals: int,
    eat: Callable[[int], None],
    patience: float = 0.01,
) -> None:
    nap = threading.Event()  # never set: wait(t) is a sleep of t seconds
    eaten = 0
    while eaten < meals:
        left.lock.acquire()
        try:
            if right.lock.acquire(timeout=patience):
                try:
                    eat(philosopher)
                    eaten += 1
                finally:
                    right.lock.release()
                continue
        finally:
            left.lock.release()
        nap.wait(random.uniform(0, patience))  # out of step with the neighbours
