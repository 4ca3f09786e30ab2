"""first_result asks the first finished future for its result before cancelling the
others: when that task raised, result() raises at once and nothing is cancelled, so
the queued tasks run for nothing.

Source: https://runebook.dev/en/docs/python/library/concurrent.futures/concurrent.futures.FIRST_EXCEPTION
("it doesn't automatically cancel the other running tasks ... unless you explicitly
call future.cancel() on the futures that haven't finished yet").
Caught by: test_first_result_raises_the_error_of_the_task_that_finished_first
Says: were still queued and not cancelled
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def first_result(executor, fn, items):
    futures = [executor.submit(fn, item) for item in items]
    if not futures:
        raise ValueError("first_result needs at least one item")
    done, not_done = wait(futures, return_when=FIRST_COMPLETED)
    answer = next(iter(done)).result()  # raises here when the first task raised ...
    for future in not_done:
        future.cancel()  # ... so this is never reached then
    return answer
