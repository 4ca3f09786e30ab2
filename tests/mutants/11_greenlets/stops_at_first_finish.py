"""Stops the whole schedule as soon as one task finishes: the other tasks are lost
half-way.

Caught by: test_round_robin_carries_on_when_tasks_finish_early
Says: drop out
"""

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:


def round_robin(tasks):
    greenlets = [greenlet(task) for task in tasks]
    results = [None] * len(tasks)
    while greenlets and not any(g.dead for g in greenlets):
        for index, task in enumerate(greenlets):
            value = task.switch()
            if task.dead:
                results[index] = value
    return results
