"""The lock covers reading the score but not writing it back: two referees can still
both read the same score before either writes.

Caught by: test_referees_at_once_lose_no_points
Says: points were lost
"""

from kata.runner import load_reference

load_reference("09_shared_memory", globals())  # everything as in the reference solution, except:


def add(self, team, points, pause=no_pause):
    with self._scores.get_lock():
        score = self._scores[team] + points
    pause()
    with self._scores.get_lock():
        self._scores[team] = score
        self._total.value += points
    return score


Scoreboard.add = add
