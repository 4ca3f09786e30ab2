"""join() before close(): the pool is still open when join() is called, and Pool.join()
raises ValueError('Pool is still running'), which replaces the results; the pool is
left open, its workers waiting for jobs.

Source: https://runebook.dev/en/docs/python/library/multiprocessing/multiprocessing.pool.Pool.join
("It's crucial to call pool.close() before pool.join()"), and the Python docs, Pool.join():
"One must call close() or terminate() before using join()".
Caught by: test_results_come_back_in_the_order_of_the_jobs, test_never_more_than_k_tasks_run_at_once_and_k_do, test_a_pool_of_one_runs_one_task_at_a_time, test_the_k_workers_are_reused_job_after_job, test_the_pool_is_closed_and_joined_before_run_all_returns, test_no_jobs_or_fewer_jobs_than_workers_still_work, test_a_result_that_comes_within_the_timeout_is_returned
Says: close() first
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def run_all(task, jobs, workers, timeout=None):
    pool = multiprocessing.Pool(processes=workers)
    try:
        pending = [pool.apply_async(task, tuple(job)) for job in jobs]
        return [result.get(timeout) for result in pending]
    finally:
        pool.join()  # ValueError: Pool is still running
        pool.close()
