"""first_result returns the first answer and cancels nothing: the queued tasks still
run, for nothing.

Caught by: test_first_result_cancels_the_tasks_that_have_not_started
Says: Call cancel() on every future that is not done
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def first_result(executor, fn, items):
    futures = [executor.submit(fn, item) for item in items]
    return next(as_completed(futures)).result()
