"""Decides that a task has finished when its switch returns something other than None:
a task that returns None is never counted as done, and the scheduler never ends.

Caught by: test_round_robin_carries_on_when_tasks_finish_early
Says: did not return
"""

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:


def round_robin(tasks):
    greenlets = [greenlet(task) for task in tasks]
    results = [None] * len(tasks)
    done = [False] * len(tasks)
    while not all(done):
        for index, task in enumerate(greenlets):
            if done[index]:
                continue
            value = task.switch()
            if value is not None and value != ():
                results[index] = value
                done[index] = True
    return results
