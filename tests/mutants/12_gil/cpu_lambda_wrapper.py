"""A process pool mapping a lambda over the tasks: the lambda has no importable name,
so it cannot be pickled to the workers, and no task ever runs.

Caught by: test_cpu_bound_tasks_run_in_worker_processes_at_the_same_time, test_a_failing_cpu_bound_task_raises_in_the_caller
Says: a function pickles by its module and its name
"""

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_cpu_bound(tasks, workers=None):
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        return list(pool.map(lambda task: task(), tasks))
