"""run_in_processes calls pool.shutdown() on the line after collecting the results,
instead of a `with` block: when a task raised, result() raises first, shutdown() is
never reached, and the worker processes stay alive as long as the traceback keeps the
executor.

Source: https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Executor.shutdown
("You can avoid having to call this method explicitly if you use the with statement,
which will shutdown the Executor").
Caught by: test_an_exception_in_a_worker_process_is_raised_by_the_caller
Says: however the call ends
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def run_in_processes(fn, items, max_workers):
    pool = ProcessPoolExecutor(max_workers=max_workers)
    futures = [pool.submit(fn, item) for item in items]
    results = [future.result() for future in futures]
    pool.shutdown()
    return results
