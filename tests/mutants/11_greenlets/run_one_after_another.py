"""Runs each task to the end before starting the next: pause() does not switch, so
nobody takes turns.

Caught by: test_round_robin_runs_tasks_in_turn, test_round_robin_carries_on_when_tasks_finish_early
Says: should take turns
"""

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:


def pause():
    pass


def round_robin(tasks):
    return [greenlet(task).switch() for task in tasks]
