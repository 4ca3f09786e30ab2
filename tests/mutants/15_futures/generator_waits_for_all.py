"""as_they_finish waits for every task (concurrent.futures.wait) before yielding any:
nothing is handed over until the slowest task is done.

Caught by: test_results_are_yielded_in_the_order_the_tasks_finish, test_a_task_that_raises_makes_the_generator_raise_at_its_turn
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def as_they_finish(fn, items, max_workers):
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        futures = {pool.submit(fn, item): item for item in items}
        wait(futures)
        for future in futures:
            yield futures[future], future.result()
