"""first_result cancels by shutting the caller's executor down with cancel_futures=True:
the queued tasks are cancelled, but the caller can no longer submit anything.

Caught by: test_first_result_leaves_the_callers_executor_running
Says: refused new work
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def first_result(executor, fn, items):
    futures = [executor.submit(fn, item) for item in items]
    first = next(as_completed(futures))
    executor.shutdown(wait=False, cancel_futures=True)
    return first.result()
