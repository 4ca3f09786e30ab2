"""No pool: a multiprocessing.Process per job, all started at once, results sent back on
a Queue. Nothing limits how many run at once, and each job pays for a process start.

Caught by: test_never_more_than_k_tasks_run_at_once_and_k_do, test_the_k_workers_are_reused_job_after_job
"""

import queue

from kata.runner import load_reference

load_reference("08_pools", globals())  # everything as in the reference solution, except:


def _run_one(task, job, index, outbox):
    try:
        outbox.put((index, True, task(*job)))
    except Exception as exc:
        outbox.put((index, False, exc))


def run_all(task, jobs, workers, timeout=None):
    jobs = list(jobs)
    outbox = multiprocessing.Queue()
    processes = [
        multiprocessing.Process(target=_run_one, args=(task, job, index, outbox))
        for index, job in enumerate(jobs)
    ]
    for process in processes:
        process.start()
    try:
        results = {}
        for _ in jobs:
            try:
                index, ok, value = outbox.get(timeout=timeout)
            except queue.Empty:
                raise multiprocessing.TimeoutError from None
            if not ok:
                raise value
            results[index] = value
        return [results[index] for index in range(len(jobs))]
    finally:
        for process in processes:
            process.terminate()
            process.join()
