"""RawArray and RawValue with no lock at all: shared memory that every referee reads
and writes whenever it likes.

Caught by: test_referees_at_once_lose_no_points
Says: points were lost
"""

from kata.runner import load_reference

load_reference("09_shared_memory", globals())  # everything as in the reference solution, except:


def __init__(self, teams):
    self._scores = multiprocessing.RawArray("i", teams)
    self._total = multiprocessing.RawValue("i", 0)


def add(self, team, points, pause=no_pause):
    score = self._scores[team] + points
    pause()
    self._scores[team] = score
    self._total.value += points
    return score


def scores(self):
    return list(self._scores)


def total(self):
    return self._total.value


Scoreboard.__init__ = __init__
Scoreboard.add = add
Scoreboard.scores = scores
Scoreboard.total = total
