"""A failing task's exception is caught and its result is None: the caller never learns
that a task failed.

Caught by: test_a_failing_task_raises_its_exception_in_the_caller
Says: the error was swallowed
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def run_all(task, jobs, workers, timeout=None):
    with multiprocessing.Pool(workers) as pool:
        pending = [pool.apply_async(task, tuple(job)) for job in jobs]
        pool.close()
        results = []
        for result in pending:
            try:
                results.append(result.get(timeout))
            except multiprocessing.TimeoutError:
                raise
            except Exception:
                results.append(None)
        pool.join()
    return results
