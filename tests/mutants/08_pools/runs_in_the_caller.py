"""No pool at all: every task is called right there, in the caller's process, one after
another.

Caught by: test_the_k_workers_are_reused_job_after_job, test_never_more_than_k_tasks_run_at_once_and_k_do
Says: a task ran in the test's own process
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def run_all(task, jobs, workers, timeout=None):
    return [task(*job) for job in jobs]
