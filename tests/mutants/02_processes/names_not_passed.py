"""Creates each Process without its job's name: the children are called Process-1,
Process-2, ... and nothing inside a child says which job it is.

Caught by: test_each_job_runs_in_a_child_process_of_its_own
Says: Name each Process after its job
"""

from kata.runner import load_reference

load_reference("02_processes", globals())  # everything as in the reference solution, except:


def run_children(jobs, timeout):
    children = {
        name: multiprocessing.Process(target=function, args=args)
        for name, (function, args) in jobs.items()
    }
    for child in children.values():
        child.start()
    deadline = time.monotonic() + timeout
    for child in children.values():
        child.join(max(0.0, deadline - time.monotonic()))
        if child.is_alive():
            _stop(child)
    return {name: ChildReport(name, child.pid, child.exitcode) for name, child in children.items()}
