"""A Pool with one process per job: every task runs at once, no limit at all.

Caught by: test_never_more_than_k_tasks_run_at_once_and_k_do, test_a_pool_of_one_runs_one_task_at_a_time
Says: must never run more than 3 tasks at once
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def run_all(task, jobs, workers, timeout=None):
    jobs = list(jobs)
    with multiprocessing.Pool(len(jobs)) as pool:
        pending = [pool.apply_async(task, tuple(job)) for job in jobs]
        pool.close()
        results = [result.get(timeout) for result in pending]
        pool.join()
    return results
