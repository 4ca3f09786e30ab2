"""first_result returns the result of the first task submitted, not of the first to
finish: it waits on a slow task while a fast one is long done.

Caught by: test_first_result_cancels_the_tasks_that_have_not_started
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def first_result(executor, fn, items):
    futures = [executor.submit(fn, item) for item in items]
    answer = futures[0].result()
    for future in futures[1:]:
        future.cancel()
    return answer
