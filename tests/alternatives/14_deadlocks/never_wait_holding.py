"""Another right design: no order at all. Both transfer and dine take their two locks
with ``_take_both``, which never waits while it holds a lock: it waits for one lock,
then only *tries* the other (acquire(blocking=False)); if that one is taken it puts the
first back and starts over, this time waiting for the lock that was busy (the way C++'s
std::lock does it). A thread that waits holds nothing, so no ring of waits can form.
dine_with_patience is as in the reference.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager

from kata.runner import load_reference

load_reference("14_deadlocks", globals())  # everything as in the reference solution, except:


@contextmanager
def _take_both(one, other):
    """Hold both locks for the block; never wait for one while holding the other."""
    while True:
        one.acquire()  # holding nothing: waiting here cannot close a ring
        if other.acquire(blocking=False):
            break
        one.release()  # the other is busy: let go, and wait for that one next time
        one, other = other, one
    try:
        yield
    finally:
        other.release()
        one.release()


def transfer(source: Account, target: Account, amount: int) -> None:
    if source is target:
        return  # one account, one lock: taking it twice would wait for ever
    with _take_both(source.lock, target.lock):
        source.balance -= amount
        target.balance += amount


def dine(philosopher: int, left: Fork, right: Fork, meals: int, eat: Callable[[int], None]) -> None:
    for _ in range(meals):
        with _take_both(left.lock, right.lock):
            eat(philosopher)
