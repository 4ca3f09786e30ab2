"""get() without the timeout: a task that never finishes keeps run_all waiting for ever.

Caught by: test_a_late_result_raises_timeout_error_and_stops_the_pool
Says: Pass the timeout on to get(timeout)
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def run_all(task, jobs, workers, timeout=None):
    with multiprocessing.Pool(workers) as pool:
        pending = [pool.apply_async(task, tuple(job)) for job in jobs]
        pool.close()
        results = [result.get() for result in pending]
        pool.join()
    return results
