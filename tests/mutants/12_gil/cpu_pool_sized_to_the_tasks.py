"""run_cpu_bound sizes its pool min(workers, len(tasks)) and forgets both edges: with
workers left to its default (None) min() raises TypeError, and with no tasks it asks
for a pool of 0 processes, which ProcessPoolExecutor refuses with ValueError.

Source: https://docs.python.org/3/library/concurrent.futures.html#processpoolexecutor
("If max_workers is None or not given, it will default to the number of processors on
the machine. If max_workers is lower or equal to 0, then a ValueError will be raised.")
Caught by: test_cpu_bound_workers_default_to_one_process_per_cpu, test_no_tasks_give_an_empty_list_at_once
Says: return [] (an empty list), before making a pool
"""

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_cpu_bound(tasks, workers=None):
    tasks = list(tasks)
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks))) as pool:
        futures = [pool.submit(task) for task in tasks]
        return [future.result() for future in futures]
