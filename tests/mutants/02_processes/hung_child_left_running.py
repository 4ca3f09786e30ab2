"""Waits with join(timeout) but never asks is_alive(): a child still running at the
deadline is left running and reported with exit code None.

Caught by: test_a_child_still_running_at_the_timeout_is_stopped
Says: it was left running
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
    deadline = time.monotonic() + timeout
    for child in children.values():
        child.join(max(0.0, deadline - time.monotonic()))
    return {name: ChildReport(name, child.pid, child.exitcode) for name, child in children.items()}
