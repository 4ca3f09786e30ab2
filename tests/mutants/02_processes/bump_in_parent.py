"""bump_in_child calls bump_counter itself, in the parent: the parent's own COUNTER
changes and the "child" pid is the parent's.

Caught by: test_a_childs_change_to_a_global_stays_in_the_child
Says: the bump happened here
"""

import queue

from kata.runner import load_reference

load_reference("02_processes", globals())  # everything as in the reference solution, except:


def bump_in_child(times, timeout):
    report = queue.Queue()
    bump_counter(times, report)
    child_pid, in_child = report.get(timeout=timeout)
    return Bumped(child_pid, in_child, COUNTER)
