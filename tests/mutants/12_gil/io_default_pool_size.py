"""ThreadPoolExecutor() with its default size, min(32, os.cpu_count() + 4), whatever
max_threads says: sized for CPU work, too few threads for many waits on a small machine,
and more than the cap asks for.

Caught by: test_io_bound_threads_are_capped_at_max_threads
"""

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_io_bound(tasks, max_threads=32):
    with ThreadPoolExecutor() as pool:
        return list(pool.map(lambda task: task(), tasks))
