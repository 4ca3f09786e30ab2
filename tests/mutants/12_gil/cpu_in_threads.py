"""CPU-bound tasks run in a ThreadPoolExecutor: the threads share one interpreter and one
GIL, so they take turns at the arithmetic instead of running at once.

Caught by: test_cpu_bound_tasks_run_in_worker_processes_at_the_same_time
Says: threads of this process
"""

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_cpu_bound(tasks, workers=None):
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        return list(pool.map(lambda task: task(), tasks))
