"""first_result is next(as_completed(futures)).result() with no check for empty input:
with no items, as_completed([]) is empty and next() raises StopIteration, not the
ValueError the docstring promises (and a StopIteration escaping into a generator
becomes a RuntimeError, PEP 479).

Source: https://docs.python.org/3/library/functions.html#next ("If default is given, it
is returned if the iterator is exhausted, otherwise StopIteration is raised.")
Caught by: test_no_items_and_the_default_number_of_workers
Says: check for no items first
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def first_result(executor, fn, items):
    futures = [executor.submit(fn, item) for item in items]
    first = next(as_completed(futures))
    for future in futures:
        if future is not first:
            future.cancel()
    return first.result()
