"""as_they_finish keeps one ThreadPoolExecutor per max_workers in a global, to reuse it,
and never shuts it down: its idle worker threads outlive every call.

Caught by: test_results_are_yielded_in_the_order_the_tasks_finish, test_a_task_that_raises_makes_the_generator_raise_at_its_turn, test_no_more_than_max_workers_tasks_run_at_once
Says: never shut down
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:

_pools = {}


def as_they_finish(fn, items, max_workers):
    if max_workers not in _pools:
        _pools[max_workers] = ThreadPoolExecutor(max_workers=max_workers)
    pool = _pools[max_workers]
    futures = {pool.submit(fn, item): item for item in items}
    for future in as_completed(futures):
        yield futures[future], future.result()
