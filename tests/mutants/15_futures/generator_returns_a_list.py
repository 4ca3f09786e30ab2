"""as_they_finish is a plain function that collects every pair, in completion order, and
returns the list: correct order, but nothing reaches the caller until all are done.

Caught by: test_results_are_yielded_in_the_order_the_tasks_finish, test_a_task_that_raises_makes_the_generator_raise_at_its_turn
Says: it should be a generator
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def as_they_finish(fn, items, max_workers):
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        futures = {pool.submit(fn, item): item for item in items}
        return [(futures[future], future.result()) for future in as_completed(futures)]
