"""run_io_bound shuts its pool down with shutdown(wait=False, cancel_futures=True) in a
finally block, to "return at once" when a task fails: it raises task 1's exception
while task 2 is still running in a pool thread, which outlives the call.

Source: https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Executor.shutdown
("If wait is False then this method will return immediately and the resources
associated with the executor will be freed when all pending futures are done
executing." Running tasks are not stopped, only no longer waited for.)
Caught by: test_a_failing_io_bound_task_raises_in_the_caller_after_every_thread_has_ended
Says: while task 2 was still running in its thread
"""

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_io_bound(tasks, max_threads=32):
    tasks = list(tasks)
    if not tasks:
        return []
    pool = ThreadPoolExecutor(max_workers=min(max_threads, len(tasks)))
    try:
        futures = [pool.submit(task) for task in tasks]
        return [future.result() for future in futures]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
