"""The total is a Value with a lock of its own, and add updates it with
`total.value += points` after the board's lock is let go: += on a synchronized Value is a
read and then a write, each under the Value's lock but not together, so two referee
processes can read the same total and one addition is lost; and for a moment the score
is written while the total is not.

Source: CPython issue 16998, "Lost updates with multiprocessing.Value"
(https://bugs.python.org/issue16998), after which the docs of multiprocessing.Value say:
"Operations like += which involve a read and write are not atomic."
Caught by: test_a_score_and_the_total_change_in_one_step_under_one_lock
Says: add let go of the board's lock before it updated the total
"""

from kata.runner import load_reference

load_reference("09_shared_memory", globals())  # everything as in the reference solution, except:


class Scoreboard(Scoreboard):
    def __init__(self, teams):
        self._scores = multiprocessing.Array("i", teams)
        self._total = multiprocessing.Value("i", 0)  # a second lock, the Value's own

    def add(self, team, points, pause=no_pause):
        with self._scores.get_lock():
            score = self._scores[team] + points
            pause()
            self._scores[team] = score
        self._total.value += points  # read, then write: two steps
        return score
