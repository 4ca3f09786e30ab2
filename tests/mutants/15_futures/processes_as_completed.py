"""run_in_processes collects the results with as_completed: they come back in the order
the tasks finished, not in the order of the items.

Caught by: test_process_results_come_back_in_the_order_of_the_items
Says: the order of the items
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def run_in_processes(fn, items, max_workers):
    with ProcessPoolExecutor(max_workers=max_workers) as pool:
        futures = [pool.submit(fn, item) for item in items]
        return [future.result() for future in as_completed(futures)]
