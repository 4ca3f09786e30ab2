"""Another right design: multiprocessing.pool.ThreadPool for the I/O-bound tasks (a Pool
whose workers are threads; leaving its `with` block calls terminate(), and its idle
threads end a moment later), and multiprocessing.Pool(workers).map for the CPU-bound
ones, with workers=None handed on for the pool to count the CPUs itself.
"""

import multiprocessing
import multiprocessing.pool

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def _call(task):
    return task()


def run_cpu_bound(tasks, workers=None):
    tasks = list(tasks)
    if not tasks:
        return []
    with multiprocessing.Pool(workers) as pool:
        return pool.map(_call, tasks, chunksize=1)


def run_io_bound(tasks, max_threads=32):
    tasks = list(tasks)
    if not tasks:
        return []
    with multiprocessing.pool.ThreadPool(min(max_threads, len(tasks))) as pool:
        return pool.map(_call, tasks, chunksize=1)
