"""A new multiprocessing.Process for every task, all started at once (results sent back
on a Queue): it runs in parallel, but pays a process start-up per task and ignores
``workers``.

Caught by: test_cpu_bound_tasks_run_in_worker_processes_at_the_same_time
Says: A new process per task pays a process start-up
"""

import multiprocessing

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def _run_one(task, index, results):
    try:
        results.put((index, True, task()))
    except Exception as exc:
        results.put((index, False, exc))


def run_cpu_bound(tasks, workers=None):
    results = multiprocessing.Queue()
    children = [
        multiprocessing.Process(target=_run_one, args=(task, i, results))
        for i, task in enumerate(tasks)
    ]
    for child in children:
        child.start()
    outcomes = dict((index, (ok, value)) for index, ok, value in (results.get() for _ in children))
    for child in children:
        child.join()
    values = []
    for index in range(len(children)):
        ok, value = outcomes[index]
        if not ok:
            raise value
        values.append(value)
    return values
