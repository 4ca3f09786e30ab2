"""check_all does nothing, and bump_in_child never looks at the exit code: it waits for
a reply that a failed child never sends, and only gives up (queue.Empty) at its timeout.

Caught by: test_check_all_names_every_child_that_did_not_succeed, test_a_child_that_fails_is_seen_through_its_exit_code
Says: check its exit code before you look for a reply
"""

from kata.runner import load_reference

load_reference("02_processes", globals())  # everything as in the reference solution, except:


def check_all(reports):
    return None
