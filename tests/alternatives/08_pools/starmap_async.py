"""Another right design: every job goes to the pool in one starmap_async call (chunksize
1, so that each worker takes one job at a time) instead of one apply_async per job, and
the whole ordered list of results is collected with a single get(timeout), which also
raises a task's exception. The pool is a ``with`` block only for terminate-on-error;
close() and join() are still called on the way out.
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def run_all(task, jobs, workers, timeout=None):
    pool = multiprocessing.Pool(processes=workers)
    try:
        pending = pool.starmap_async(task, [tuple(job) for job in jobs], chunksize=1)
        pool.close()
        return pending.get(timeout)
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
