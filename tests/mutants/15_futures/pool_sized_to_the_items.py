"""The pools are sized min(max_workers, len(items)), "no more workers than tasks": with
no items that asks for a pool of 0 workers, which raises ValueError, and with
max_workers=None min() raises TypeError.

Source: https://docs.python.org/3/library/concurrent.futures.html#processpoolexecutor
("If max_workers is None or not given, it will default to the number of processors on
the machine. If max_workers is lower or equal to 0, then a ValueError will be raised.")
Caught by: test_no_items_and_the_default_number_of_workers
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def run_in_processes(fn, items, max_workers):
    items = list(items)
    with ProcessPoolExecutor(max_workers=min(max_workers, len(items))) as pool:
        futures = [pool.submit(fn, item) for item in items]
        return [future.result() for future in futures]


def as_they_finish(fn, items, max_workers):
    items = list(items)
    with ThreadPoolExecutor(max_workers=min(max_workers, len(items))) as pool:
        futures = {pool.submit(fn, item): item for item in items}
        for future in as_completed(futures):
            yield futures[future], future.result()
