"""first_result waits for every task to finish before it cancels the rest: by then
there is nothing left to cancel, and it waits for tasks it has no use for.

Caught by: test_first_result_cancels_the_tasks_that_have_not_started
Says: keeps it waiting for tasks that are still running
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def first_result(executor, fn, items):
    futures = [executor.submit(fn, item) for item in items]
    done, _ = wait(futures)
    for future in futures:
        future.cancel()
    return next(iter(done)).result()
