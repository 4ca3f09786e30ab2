"""A callback appends each result as it arrives: the results come back in the order the
tasks finished, not the order of the jobs.

Caught by: test_results_come_back_in_the_order_of_the_jobs
Says: in the order the tasks finished
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def run_all(task, jobs, workers, timeout=None):
    results = []
    with multiprocessing.Pool(workers) as pool:
        pending = [pool.apply_async(task, tuple(job), callback=results.append) for job in jobs]
        pool.close()
        for result in pending:
            result.get(timeout)  # raises a task's error; the value is already in results
        pool.join()
    return results
