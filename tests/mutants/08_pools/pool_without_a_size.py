"""Pool() with no size: os.cpu_count() processes, not `workers`. On a machine with
more than one core, a pool meant to run one task at a time runs several.

Caught by: test_a_pool_of_one_runs_one_task_at_a_time
Says: Pool() without a size
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def run_all(task, jobs, workers, timeout=None):
    with multiprocessing.Pool() as pool:
        pending = [pool.apply_async(task, tuple(job)) for job in jobs]
        pool.close()
        results = [result.get(timeout) for result in pending]
        pool.join()
    return results
