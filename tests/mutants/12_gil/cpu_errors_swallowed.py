"""A CPU-bound task's exception is caught and handed back as its result: the caller
never hears that the task failed.

Caught by: test_a_failing_cpu_bound_task_raises_in_the_caller
Says: as if all was well
"""

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_cpu_bound(tasks, workers=None):
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        futures = [pool.submit(task) for task in tasks]
        return [f.exception() or f.result() for f in futures]
