"""run_io_bound keeps one ThreadPoolExecutor per max_threads in a module-level dict, to
save starting threads on the next call, and never shuts it down: its idle threads
outlive every call (and the last call's pool lives until the interpreter exits).

Source: https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Executor.shutdown
("Signal the executor that it should free any resources that it is using when the
currently pending futures are done executing."): a pool nobody shuts down keeps its
threads.
Caught by: test_io_bound_threads_are_capped_at_max_threads
Says: were still alive
"""

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:

_pools = {}


def run_io_bound(tasks, max_threads=32):
    tasks = list(tasks)
    if not tasks:
        return []
    if max_threads not in _pools:
        _pools[max_threads] = ThreadPoolExecutor(max_workers=max_threads)
    pool = _pools[max_threads]
    futures = [pool.submit(task) for task in tasks]
    return [future.result() for future in futures]
