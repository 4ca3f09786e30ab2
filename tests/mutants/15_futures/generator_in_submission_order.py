"""as_they_finish uses Executor.map: results come in the order of the items, so a
finished task waits behind a slow one submitted before it.

Caught by: test_results_are_yielded_in_the_order_the_tasks_finish
Says: as_completed
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def as_they_finish(fn, items, max_workers):
    items = list(items)
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        yield from zip(items, pool.map(fn, items))
