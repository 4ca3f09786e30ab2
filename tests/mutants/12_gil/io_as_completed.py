"""I/O-bound results collected with as_completed: in the order the waits end, not the
order of the tasks.

Caught by: test_io_bound_tasks_wait_together_in_threads_of_this_process
Says: The test let the tasks finish last first
"""

from concurrent.futures import as_completed

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_io_bound(tasks, max_threads=32):
    with ThreadPoolExecutor(max_workers=min(max_threads, len(tasks))) as pool:
        return [f.result() for f in as_completed([pool.submit(task) for task in tasks])]
