"""CPU-bound tasks called one after another in the caller's own thread: no processes, no
parallelism at all.

Caught by: test_cpu_bound_tasks_run_in_worker_processes_at_the_same_time
Says: one after another, in the very thread that called run_cpu_bound
"""

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_cpu_bound(tasks, workers=None):
    return [task() for task in tasks]
