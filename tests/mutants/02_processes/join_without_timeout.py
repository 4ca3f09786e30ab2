"""Joins every child with no timeout: a child that never ends hangs run_children, and
its caller, for ever.

Caught by: test_a_child_still_running_at_the_timeout_is_stopped
Says: A plain join() waits for ever
"""

from kata.runner import load_reference

load_reference("02_processes", globals())  # everything as in the reference solution, except:


def run_children(jobs, timeout):
    children = {
        name: multiprocessing.Process(target=function, args=args, name=name)
        for name, (function, args) in jobs.items()
    }
    for child in children.values():
        child.start()
    for child in children.values():
        child.join()
    return {name: ChildReport(name, child.pid, child.exitcode) for name, child in children.items()}
