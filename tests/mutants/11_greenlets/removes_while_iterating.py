"""Removes a finished task from the list it is looping over: the task after it is
skipped for that round, so the turns come in the wrong order.

Caught by: test_round_robin_carries_on_when_tasks_finish_early
Says: skipped in a round
"""

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:


def round_robin(tasks):
    results = [None] * len(tasks)
    live = [(index, greenlet(task)) for index, task in enumerate(tasks)]
    while live:
        for entry in live:
            index, task = entry
            value = task.switch()
            if task.dead:
                results[index] = value
                live.remove(entry)
    return results
