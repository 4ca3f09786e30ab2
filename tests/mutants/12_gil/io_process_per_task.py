"""A process per tiny I/O-bound task (a Pool as big as the task list): a process start-up
for each task that only waits.

Caught by: test_io_bound_tasks_wait_together_in_threads_of_this_process
Says: Processes only add costs here
"""

import multiprocessing

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_io_bound(tasks, max_threads=32):
    with multiprocessing.Pool(len(tasks)) as pool:
        return pool.map(_call, tasks, chunksize=1)


def _call(task):
    return task()
