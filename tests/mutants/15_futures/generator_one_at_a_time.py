"""as_they_finish submits each task and waits for it before submitting the next: one
task at a time, whatever max_workers says.

Caught by: test_results_are_yielded_in_the_order_the_tasks_finish, test_no_more_than_max_workers_tasks_run_at_once
Says: only 1 ran at once
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def as_they_finish(fn, items, max_workers):
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        for item in items:
            yield item, pool.submit(fn, item).result()
