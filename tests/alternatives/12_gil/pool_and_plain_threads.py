"""multiprocessing.Pool.map for the CPU-bound tasks (the reference uses a
ProcessPoolExecutor); for the I/O-bound ones, min(max_threads, len(tasks)) plain
threading.Threads that take task numbers from a queue.Queue (the reference uses a
ThreadPoolExecutor); and gil_enabled() that asks for forgiveness (try/except
AttributeError) instead of getattr with a default.
"""

import multiprocessing
import queue
import threading

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def _call(task):
    """Module level, so that Pool can send it to its workers by name."""
    return task()


def run_cpu_bound(tasks, workers=None):
    tasks = list(tasks)
    if not tasks:
        return []
    with multiprocessing.Pool(min(workers or os.cpu_count() or 1, len(tasks))) as pool:
        return pool.map(_call, tasks)  # map keeps the order of tasks, and raises a task's error


def run_io_bound(tasks, max_threads=32):
    tasks = list(tasks)
    todo = queue.SimpleQueue()
    for index in range(len(tasks)):
        todo.put(index)
    results = [None] * len(tasks)
    errors = {}

    def worker():
        while True:
            try:
                index = todo.get_nowait()
            except queue.Empty:
                return
            try:
                results[index] = tasks[index]()
            except Exception as exc:  # raised in the caller's thread below
                errors[index] = exc

    threads = [threading.Thread(target=worker) for _ in range(min(max_threads, len(tasks)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[min(errors)]
    return results


def gil_enabled():
    try:
        return bool(sys._is_gil_enabled())
    except AttributeError:  # before Python 3.13 there is no such function, and always a GIL
        return True
