"""No lock of its own: trusts the synchronized Array, whose lock guards each single
read and each single write, but not the read-pause-write between them. Two referees
read the same score and one write overwrites the other.

Caught by: test_referees_at_once_lose_no_points
Says: points were lost
"""

from kata.runner import load_reference

load_reference("09_shared_memory", globals())  # everything as in the reference solution, except:


def add(self, team, points, pause=no_pause):
    score = self._scores[team] + points
    pause()
    self._scores[team] = score
    self._total.value += points
    return score


Scoreboard.add = add
