"""One multiprocessing.Lock shared by the Array and the Value through lock=..., then held
while touching them: the synchronized wrappers take that same lock again for every read
and write, and a plain Lock is not re-entrant. add waits for itself forever.

Caught by: test_a_new_board_adds_points_in_this_process
Says: re-entrant
"""

from kata.runner import load_reference

load_reference("09_shared_memory", globals())  # everything as in the reference solution, except:


def __init__(self, teams):
    lock = multiprocessing.Lock()
    self._scores = multiprocessing.Array("i", teams, lock=lock)
    self._total = multiprocessing.Value("i", 0, lock=lock)


Scoreboard.__init__ = __init__
