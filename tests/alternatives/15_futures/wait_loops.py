"""Another right design: executor.map instead of submit + result() for the results in
order; a loop of wait(return_when=FIRST_COMPLETED) instead of as_completed for the
results as they finish; and as_completed (first one out) instead of wait for the first
result.
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def run_in_processes(fn, items, max_workers):
    with ProcessPoolExecutor(max_workers=max_workers) as pool:
        return list(pool.map(fn, items))  # in order of items; re-raises a task's error


def as_they_finish(fn, items, max_workers):
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        pending = {pool.submit(fn, item): item for item in items}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                item = pending.pop(future)
                yield item, future.result()


def first_result(executor, fn, items):
    futures = [executor.submit(fn, item) for item in items]
    if not futures:
        raise ValueError("first_result needs at least one item")
    first = next(as_completed(futures))
    for future in futures:
        if future is not first:
            future.cancel()
    return first.result()
