"""run_io_bound sizes its pool min(max_threads, len(tasks)), one thread per task, with
no check for an empty task list: ThreadPoolExecutor(max_workers=0) raises ValueError
instead of the empty list.

Source: CPython Lib/concurrent/futures/thread.py, ThreadPoolExecutor.__init__
(`if max_workers <= 0: raise ValueError("max_workers must be greater than 0")`), and
https://docs.python.org/3/library/concurrent.futures.html#threadpoolexecutor
Caught by: test_no_tasks_give_an_empty_list_at_once
Says: With no tasks there is nothing to run
"""

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_io_bound(tasks, max_threads=32):
    tasks = list(tasks)
    with ThreadPoolExecutor(max_workers=min(max_threads, len(tasks))) as pool:
        futures = [pool.submit(task) for task in tasks]
        return [future.result() for future in futures]
