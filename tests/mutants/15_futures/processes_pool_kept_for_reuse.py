"""run_in_processes keeps one executor per max_workers in a global, to reuse it, and
never shuts it down: its worker processes outlive every call (the harness shuts it down
after the first test, and later calls then find it closed).

Caught by: test_tasks_run_in_worker_processes_that_are_reused, test_process_results_come_back_in_the_order_of_the_items, test_an_exception_in_a_worker_process_is_raised_by_the_caller
Says: were still running
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:

_pools = {}


def run_in_processes(fn, items, max_workers):
    if max_workers not in _pools:
        _pools[max_workers] = ProcessPoolExecutor(max_workers=max_workers)
    futures = [_pools[max_workers].submit(fn, item) for item in items]
    return [future.result() for future in futures]
