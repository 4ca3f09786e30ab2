"""Gives every child's join() the whole timeout, one after the other: with several
children that never end, run_children waits timeout for each of them (three stuck
children and timeout=0.6 take 1.8 s, 3600 children an hour) instead of timeout in all.
The examples that teach `for p in processes: p.join()` only ever add the timeout to it.

Source: https://pythonkb.com/?p=9257 (joins each process in turn) and the Python docs,
multiprocessing.Process.join: "blocks at most timeout seconds" (per call);
https://stackoverflow.com/questions/10028820/bash-wait-with-timeout (the same need: give
all the children 60 seconds in all, then kill them).
Caught by: test_a_child_still_running_at_the_timeout_is_stopped
Says: one deadline for all
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
        child.join(timeout)  # the whole timeout again for each child
        if child.is_alive():
            _stop(child)
    return {name: ChildReport(name, child.pid, child.exitcode) for name, child in children.items()}
