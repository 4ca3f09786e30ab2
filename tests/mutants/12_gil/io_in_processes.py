"""I/O-bound tasks run in a ProcessPoolExecutor: process start-ups and pickling, for
tasks that only wait, which threads do just as well.

Caught by: test_io_bound_tasks_wait_together_in_threads_of_this_process, test_io_bound_threads_are_capped_at_max_threads
Says: not in threads of this one
"""

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_io_bound(tasks, max_threads=32):
    with ProcessPoolExecutor(max_workers=min(max_threads, len(tasks))) as pool:
        return list(pool.map(_call, tasks))


def _call(task):
    return task()
