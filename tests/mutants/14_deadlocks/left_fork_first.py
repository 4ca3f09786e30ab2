"""Every philosopher picks up the left fork, then the right: when all five hold their left
fork, each waits for ever for the right one.

Caught by: test_five_philosophers_all_eat_without_deadlock
Says: Deadlock
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from kata.runner import load_reference

load_reference("14_deadlocks", globals())  # everything as in the reference solution, except:


def dine(philosopher: int, left: Fork, right: Fork, meals: int, eat: Callable[[int], None]) -> None:
    """Eat ``meals`` meals: for each, pick up both forks, call ``eat(philosopher)``, put both down.

    Pick the forks up in one order every philosopher agrees on: the fork with the
    smaller ``number`` first. (Everyone taking the left fork first deadlocks as soon as
    all of them hold their left fork at once.)
    """
    for _ in range(meals):
        with left.lock, right.lock:
            eat(philosopher)
