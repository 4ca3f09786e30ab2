"""Hard-codes a start method with multiprocessing.get_context(...) instead of using the
one the program chose: spawn where the run uses fork, fork where it uses another. What a
child starts with (a copy of the parent, or a fresh import) is then not what the program
asked for; queues and locks made by the caller, in the program's context, cannot even be
handed to its children; and code written for fork breaks on macOS and Windows.

(Under fork, test_each_job_runs_in_a_child_process_of_its_own catches it too: a queue made
in the fork context cannot be handed to a spawned child. Under spawn the forked children
take the spawn context's queue without complaint, so only the global tells.)
Caught by: test_a_childs_change_to_a_global_stays_in_the_child
Says: Use multiprocessing.Process (the start method the program chose)
Caught on: linux, macos (why not on Windows: spawn is its only start method, so there is no other one to hard-code; 'fork' fails at import)
"""

from kata.runner import load_reference

load_reference("02_processes", globals())  # everything as in the reference solution, except:

_context = multiprocessing.get_context(
    "spawn" if multiprocessing.get_start_method() == "fork" else "fork"
)


def run_children(jobs, timeout):
    children = {
        name: _context.Process(target=function, args=args, name=name)
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


def bump_in_child(times, timeout):
    report = _context.Queue()
    try:
        check_all(run_children({"bump_counter": (bump_counter, (times, report))}, timeout))
        child_pid, in_child = report.get(timeout=timeout)
    finally:
        report.close()
    return Bumped(child_pid, in_child, COUNTER)
