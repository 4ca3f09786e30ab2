"""CPU-bound results collected with as_completed: in the order the tasks finish, not the
order of the tasks.

Caught by: test_cpu_bound_tasks_run_in_worker_processes_at_the_same_time
Says: out of order
"""

from concurrent.futures import as_completed

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_cpu_bound(tasks, workers=None):
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        return [f.result() for f in as_completed([pool.submit(task) for task in tasks])]
