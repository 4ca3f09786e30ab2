"""first_result uses the caller's executor as a `with` block: leaving it waits for every
running task and shuts the executor down.

Caught by: test_first_result_cancels_the_tasks_that_have_not_started, test_first_result_leaves_the_callers_executor_running
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def first_result(executor, fn, items):
    with executor:
        futures = [executor.submit(fn, item) for item in items]
        done, not_done = wait(futures, return_when=FIRST_COMPLETED)
        for future in not_done:
            future.cancel()
        return next(iter(done)).result()
