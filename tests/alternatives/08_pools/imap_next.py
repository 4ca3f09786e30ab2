"""Another right design: the jobs go to the pool through imap (chunksize 1) with a
module-level helper that unpacks each job, and the results are taken from the imap
iterator with next(timeout), which yields them in the order of the jobs and raises a
task's exception at its turn.
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def _call(task_and_job):
    """Run in a worker: one imap item is (task, job)."""
    task, job = task_and_job
    return task(*job)


def run_all(task, jobs, workers, timeout=None):
    pool = multiprocessing.Pool(processes=workers)
    try:
        work = [(task, tuple(job)) for job in jobs]
        results = pool.imap(_call, work, chunksize=1)
        pool.close()
        return [results.next(timeout) for _ in work]
    except multiprocessing.TimeoutError:
        pool.terminate()
        raise
    finally:
        pool.join()
