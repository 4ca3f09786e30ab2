"""run_in_processes submits a task and waits for its result before submitting the next:
the pool never runs two tasks at once.

Caught by: test_process_results_come_back_in_the_order_of_the_items
Says: the tasks run one at a time
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def run_in_processes(fn, items, max_workers):
    with ProcessPoolExecutor(max_workers=max_workers) as pool:
        return [pool.submit(fn, item).result() for item in items]
