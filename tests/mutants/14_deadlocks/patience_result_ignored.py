"""dine_with_patience calls right.lock.acquire(timeout=patience) and eats whatever it
returns: when the time ran out it eats without the right fork, then puts down a fork
its neighbour holds.

Caught by: test_patient_philosophers_put_a_fork_down_and_all_eat
Says: ate without holding
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from kata.runner import load_reference

load_reference("14_deadlocks", globals())  # everything as in the reference solution, except:


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
    in step again, and start over. Eat ``meals`` meals, each holding both forks.
    """
    for _ in range(meals):
        with left.lock:
            right.lock.acquire(timeout=patience)
            try:
                eat(philosopher)
            finally:
                right.lock.release()
