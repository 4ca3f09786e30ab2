"""run_in_processes never shuts its executor down and leaves it to the garbage
collector: the call returns while its worker processes still run.

Caught by: test_tasks_run_in_worker_processes_that_are_reused
Says: were still running
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def run_in_processes(fn, items, max_workers):
    pool = ProcessPoolExecutor(max_workers=max_workers)
    futures = [pool.submit(fn, item) for item in items]
    return [future.result() for future in futures]
