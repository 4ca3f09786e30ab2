"""run_in_processes catches a task's exception and puts it in the list of results: the
caller gets an exception object where it expected a value.

Caught by: test_an_exception_in_a_worker_process_is_raised_by_the_caller
Says: as a value
"""

from kata.runner import load_reference

load_reference("15_futures", globals())  # everything as in the reference solution, except:


def run_in_processes(fn, items, max_workers):
    with ProcessPoolExecutor(max_workers=max_workers) as pool:
        futures = [pool.submit(fn, item) for item in items]
        return [future.exception() or future.result() for future in futures]
