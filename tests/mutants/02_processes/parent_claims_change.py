"""bump_in_child reports the child's COUNTER as the parent's: it claims the parent saw
the change, without reading the parent's own copy.

Caught by: test_a_childs_change_to_a_global_stays_in_the_child
Says: do not work out what it 'should' be
"""

from kata.runner import load_reference

load_reference("02_processes", globals())  # everything as in the reference solution, except:

_reference_bump_in_child = bump_in_child


def bump_in_child(times, timeout):
    child_pid, in_child, _ = _reference_bump_in_child(times, timeout)
    return Bumped(child_pid, in_child, in_child)
