"""get() right after each apply_async: the caller waits for each task before it hands
the pool the next one, so only one task ever runs, however big the pool.

Caught by: test_never_more_than_k_tasks_run_at_once_and_k_do, test_results_come_back_in_the_order_of_the_jobs
Says: a get() right after each apply_async
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def run_all(task, jobs, workers, timeout=None):
    with multiprocessing.Pool(workers) as pool:
        results = [pool.apply_async(task, tuple(job)).get(timeout) for job in jobs]
        pool.close()
        pool.join()
    return results
