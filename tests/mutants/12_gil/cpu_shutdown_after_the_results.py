"""run_cpu_bound calls pool.shutdown() on the line after collecting the results instead
of using a `with` block: when a task raises, result() raises first, shutdown() is never
reached, and the worker processes stay alive as long as the traceback holds the pool.

Source: https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Executor.shutdown
("You can avoid having to call this method explicitly if you use the with statement,
which will shutdown the Executor").
Caught by: test_a_failing_cpu_bound_task_raises_in_the_caller
Says: its worker processes
"""

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_cpu_bound(tasks, workers=None):
    tasks = list(tasks)
    if not tasks:
        return []
    pool = ProcessPoolExecutor(max_workers=min(workers or os.cpu_count() or 1, len(tasks)))
    futures = [pool.submit(task) for task in tasks]
    results = [future.result() for future in futures]
    pool.shutdown()
    return results
