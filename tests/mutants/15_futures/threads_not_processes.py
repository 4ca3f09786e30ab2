"""run_in_processes uses a ThreadPoolExecutor: the tasks run in the caller's process, so
CPU-bound work stays behind the GIL.

Caught by: test_tasks_run_in_worker_processes_that_are_reused, test_process_results_come_back_in_the_order_of_the_items
Says: ThreadPoolExecutor
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def run_in_processes(fn, items, max_workers):
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        return list(pool.map(fn, items))
