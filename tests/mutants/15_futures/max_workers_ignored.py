"""as_they_finish creates its ThreadPoolExecutor without max_workers: the executor's
default (min(32, cpus + 4) threads) runs more tasks at once than the caller allowed.

Caught by: test_no_more_than_max_workers_tasks_run_at_once
Says: Pass max_workers on
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def as_they_finish(fn, items, max_workers):
    with ThreadPoolExecutor() as pool:
        futures = {pool.submit(fn, item): item for item in items}
        for future in as_completed(futures):
            yield futures[future], future.result()
