"""Takes turns correctly but never keeps what the finishing switch() returns: every
result is None.

Caught by: test_round_robin_runs_tasks_in_turn, test_round_robin_carries_on_when_tasks_finish_early
Says: return value
"""

from collections import deque

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:


def round_robin(tasks):
    ready = deque(greenlet(task) for task in tasks)
    while ready:
        task = ready.popleft()
        task.switch()
        if not task.dead:
            ready.append(task)
    return [None] * len(tasks)
