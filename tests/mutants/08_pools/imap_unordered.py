"""imap_unordered: hands out the jobs well, but yields each result as soon as it is
ready, so the list is in the order the tasks finished.

Caught by: test_results_come_back_in_the_order_of_the_jobs
Says: in the order the tasks finished
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def _call(task_and_job):
    task, job = task_and_job
    return task(*job)


def run_all(task, jobs, workers, timeout=None):
    with multiprocessing.Pool(workers) as pool:
        results = []
        arriving = pool.imap_unordered(_call, [(task, tuple(job)) for job in jobs])
        while True:
            try:
                results.append(arriving.next(timeout))
            except StopIteration:
                break
        pool.close()
        pool.join()
    return results
