"""A Pool of one process, whatever `workers` says: the tasks run one after another.

Caught by: test_never_more_than_k_tasks_run_at_once_and_k_do, test_results_come_back_in_the_order_of_the_jobs
Says: the most that ever ran at the same time was 1
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:

_reference_run_all = run_all


def run_all(task, jobs, workers, timeout=None):
    return _reference_run_all(task, jobs, 1, timeout)
