"""A pool no bigger than the number of jobs, Pool(min(workers, len(jobs))), to save
processes: with no jobs it asks for Pool(0), which raises ValueError ('Number of
processes must be at least 1'), and len() fails on jobs given as an iterator.

Source: CPython Lib/multiprocessing/pool.py, Pool.__init__ (``if processes < 1: raise
ValueError("Number of processes must be at least 1")``), and the Python docs' Pool(),
which take any iterable of jobs in map() and friends (len() of a generator: TypeError).
Caught by: test_no_jobs_or_fewer_jobs_than_workers_still_work
Says: Pool(0) raises ValueError
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def run_all(task, jobs, workers, timeout=None):
    pool = multiprocessing.Pool(processes=min(workers, len(jobs)))
    try:
        pending = [pool.apply_async(task, tuple(job)) for job in jobs]
        pool.close()
        return [result.get(timeout) for result in pending]
    except multiprocessing.TimeoutError:
        pool.terminate()
        raise
    finally:
        pool.join()
