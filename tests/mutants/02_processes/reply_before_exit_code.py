"""bump_in_child joins the child and takes its reply with get_nowait(), never checking
the exit code: a failed child has sent nothing, so it raises queue.Empty, not ChildFailed.

Caught by: test_a_child_that_fails_is_seen_through_its_exit_code
Says: bump_in_child raised queue.Empty
"""

from kata.runner import load_reference

load_reference("02_processes", globals())  # everything as in the reference solution, except:


def bump_in_child(times, timeout):
    report = multiprocessing.Queue()
    child = multiprocessing.Process(target=bump_counter, args=(times, report))
    child.start()
    child.join(timeout)
    try:
        child_pid, in_child = report.get_nowait()
    finally:
        report.close()
    return Bumped(child_pid, in_child, COUNTER)
