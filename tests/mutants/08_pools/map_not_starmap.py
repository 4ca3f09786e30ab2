"""map_async instead of starmap_async: map passes each job, a tuple, to the task as ONE
argument, task(job), not task(*job), so every task fails with a TypeError about a
missing argument, and run_all raises it.

Source: https://stackoverflow.com/questions/5442910/how-to-use-multiprocessing-pool-map-with-multiple-arguments
("Python multiprocessing pool.map for multiple arguments"); the Python docs, Pool.starmap():
"Like map() except that the elements of the iterable are expected to be iterables that
are unpacked as arguments."
Caught by: test_results_come_back_in_the_order_of_the_jobs, test_never_more_than_k_tasks_run_at_once_and_k_do, test_a_pool_of_one_runs_one_task_at_a_time, test_the_k_workers_are_reused_job_after_job, test_the_pool_is_closed_and_joined_before_run_all_returns, test_a_failing_task_raises_its_exception_in_the_caller, test_a_result_that_comes_within_the_timeout_is_returned
Says: each task is task(*job)
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def run_all(task, jobs, workers, timeout=None):
    pool = multiprocessing.Pool(processes=workers)
    try:
        pending = pool.map_async(task, [tuple(job) for job in jobs], chunksize=1)
        pool.close()
        return pending.get(timeout)
    except multiprocessing.TimeoutError:
        pool.terminate()
        raise
    finally:
        pool.join()
