"""As in the source: apply_async, close, join, and the results gathered by a callback,
never by get(). A task that raises fails in silence, and the results come in the order
the tasks finished.

Caught by: test_a_failing_task_raises_its_exception_in_the_caller, test_results_come_back_in_the_order_of_the_jobs
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def run_all(task, jobs, workers, timeout=None):
    results = []
    pool = multiprocessing.Pool(workers)
    for job in jobs:
        pool.apply_async(task, tuple(job), callback=results.append)
    pool.close()
    pool.join()
    return results
