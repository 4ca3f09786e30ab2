"""The classic mix-up: threads for the CPU-bound work, processes for the I/O-bound work.

Caught by: test_cpu_bound_tasks_run_in_worker_processes_at_the_same_time, test_io_bound_tasks_wait_together_in_threads_of_this_process, test_io_bound_threads_are_capped_at_max_threads
"""

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def run_cpu_bound(tasks, workers=None):
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        return [pool.submit(task).result() for task in list(tasks)]


def run_io_bound(tasks, max_threads=32):
    with ProcessPoolExecutor(max_workers=min(max_threads, len(tasks))) as pool:
        return [f.result() for f in [pool.submit(task) for task in tasks]]
