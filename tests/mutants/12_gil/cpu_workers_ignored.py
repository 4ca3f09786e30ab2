"""run_cpu_bound makes its pool with ProcessPoolExecutor() and never passes `workers` on:
the pool has one process per CPU whatever the caller asked for. On a 2-CPU machine, with
workers=2, nothing looks wrong; with workers=1 it starts 2 worker processes.

Source: https://docs.python.org/3/library/concurrent.futures.html#processpoolexecutor
("If max_workers is None or not given, it will default to the number of processors on
the machine.")
Caught by: test_cpu_bound_workers_caps_the_processes
Says: workers=1 allows 1
"""

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_cpu_bound(tasks, workers=None):
    tasks = list(tasks)
    if not tasks:
        return []
    with ProcessPoolExecutor() as pool:  # `workers` ignored: os.cpu_count() processes
        futures = [pool.submit(task) for task in tasks]
        return [future.result() for future in futures]
