"""A failing I/O-bound task is left out of the results: the caller gets fewer results
and never hears why.

Caught by: test_a_failing_io_bound_task_raises_in_the_caller_after_every_thread_has_ended
"""

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_io_bound(tasks, max_threads=32):
    with ThreadPoolExecutor(max_workers=min(max_threads, len(tasks))) as pool:
        futures = [pool.submit(task) for task in tasks]
        return [f.result() for f in futures if f.exception() is None]
