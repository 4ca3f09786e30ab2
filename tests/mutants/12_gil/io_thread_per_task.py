"""A plain thread per I/O-bound task, all started at once: max_threads is ignored.

Caught by: test_io_bound_threads_are_capped_at_max_threads
Says: the threads are not capped
"""

import threading

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_io_bound(tasks, max_threads=32):
    results = [None] * len(tasks)
    errors = []

    def run(index, task):
        try:
            results[index] = task()
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
