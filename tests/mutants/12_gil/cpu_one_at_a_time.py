"""A process pool, but each task is submitted and waited for before the next is
submitted: the workers take turns, and the CPU-bound work never runs in parallel.

Caught by: test_cpu_bound_tasks_run_in_worker_processes_at_the_same_time
Says: The tasks ran one at a time
"""

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_cpu_bound(tasks, workers=None):
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        return [pool.submit(task).result() for task in tasks]
