"""run_in_processes makes a new one-worker executor for every item (and shuts each down
at the end): every task pays a process start-up, and max_workers limits nothing.

Caught by: test_tasks_run_in_worker_processes_that_are_reused
Says: different processes
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def run_in_processes(fn, items, max_workers):
    pools = [ProcessPoolExecutor(max_workers=1) for _ in items]
    try:
        futures = [pool.submit(fn, item) for pool, item in zip(pools, items)]
        return [future.result() for future in futures]
    finally:
        for pool in pools:
            pool.shutdown()
