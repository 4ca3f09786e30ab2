"""I/O-bound tasks called one after another in the caller's thread: each wait starts
only when the last one is over.

Caught by: test_io_bound_tasks_wait_together_in_threads_of_this_process, test_io_bound_threads_are_capped_at_max_threads
Says: one at a time
"""

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_io_bound(tasks, max_threads=32):
    return [task() for task in tasks]
