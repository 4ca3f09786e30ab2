"""The pool is never closed, joined or terminated: run_all returns while its worker
processes still wait for jobs that will never come.

Caught by: test_the_pool_is_closed_and_joined_before_run_all_returns
Says: still running
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def run_all(task, jobs, workers, timeout=None):
    pool = multiprocessing.Pool(workers)
    pending = [pool.apply_async(task, tuple(job)) for job in jobs]
    return [result.get(timeout) for result in pending]
