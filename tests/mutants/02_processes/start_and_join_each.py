"""Starts each child and joins it before starting the next: the children run one
after another, never at the same time.

Caught by: test_all_children_are_started_before_any_is_waited_for
Says: Starting and joining each in turn
"""

from kata.runner import load_reference

load_reference("02_processes", globals())  # everything as in the reference solution, except:


def run_children(jobs, timeout):
    children = {
        name: multiprocessing.Process(target=function, args=args, name=name)
        for name, (function, args) in jobs.items()
    }
    deadline = time.monotonic() + timeout
    for child in children.values():
        child.start()
        child.join(max(0.0, deadline - time.monotonic()))
        if child.is_alive():
            _stop(child)
    return {name: ChildReport(name, child.pid, child.exitcode) for name, child in children.items()}
