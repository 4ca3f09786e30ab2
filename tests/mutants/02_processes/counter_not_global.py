"""bump_counter assigns COUNTER without `global COUNTER`: Python makes it a local name,
reads it before it has a value, and the child dies with UnboundLocalError (exit code 1).

Caught by: test_a_childs_change_to_a_global_stays_in_the_child
Says: UnboundLocalError
"""

from kata.runner import load_reference

load_reference("02_processes", globals())  # everything as in the reference solution, except:


def bump_counter(times, report):
    if times < 0:
        raise ValueError(f"times must not be negative, got {times}")
    COUNTER = COUNTER + times
    report.put((os.getpid(), COUNTER))
