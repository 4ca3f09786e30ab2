"""A new Pool for every job, each waited for before the next: the tasks run one after
another, each in a fresh process that is started and stopped for that one task.

Caught by: test_never_more_than_k_tasks_run_at_once_and_k_do, test_the_k_workers_are_reused_job_after_job
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def run_all(task, jobs, workers, timeout=None):
    results = []
    for job in jobs:
        with multiprocessing.Pool(workers) as pool:
            results.append(pool.apply_async(task, tuple(job)).get(timeout))
    return results
