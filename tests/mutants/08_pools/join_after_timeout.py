"""close() and join() in a finally block, never terminate(): after a timeout, join()
waits for the late task to finish, which may be never.

Caught by: test_a_late_result_raises_timeout_error_and_stops_the_pool
Says: then terminate() the pool
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def run_all(task, jobs, workers, timeout=None):
    pool = multiprocessing.Pool(workers)
    try:
        pending = [pool.apply_async(task, tuple(job)) for job in jobs]
        return [result.get(timeout) for result in pending]
    finally:
        pool.close()
        pool.join()
