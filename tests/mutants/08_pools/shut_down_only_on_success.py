"""close() and join() are only reached when every task succeeded: when a task raises or
is late, run_all raises with the pool still there, its workers running. (The failing-task
test sees it under every start method: workers not yet exited, or exited and never
joined, which multiprocessing still lists even under forkserver, whose workers the
forkserver reaps.)

Caught by: test_a_late_result_raises_timeout_error_and_stops_the_pool, test_a_failing_task_raises_its_exception_in_the_caller
Says: worker processes of its pool are still there
Says: On the way out with an exception, shut the pool too
"""

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def run_all(task, jobs, workers, timeout=None):
    pool = multiprocessing.Pool(workers)
    pending = [pool.apply_async(task, tuple(job)) for job in jobs]
    pool.close()
    results = [result.get(timeout) for result in pending]
    pool.join()
    return results
