"""Scores in a plain list and the total in a plain int (with a proper process lock):
each child process changes its own copy, and the parent never sees a point.

Caught by: test_a_referee_process_updates_the_parents_board, test_referees_at_once_lose_no_points, test_play_runs_the_referees_at_once_and_waits_for_them
Says: Each process has its own memory
"""

from kata.runner import load_reference

load_reference("09_shared_memory", globals())  # everything as in the reference solution, except:


def __init__(self, teams):
    self._lock = multiprocessing.RLock()
    self._scores = [0] * teams
    self._total = 0


def add(self, team, points, pause=no_pause):
    with self._lock:
        score = self._scores[team] + points
        pause()
        self._scores[team] = score
        self._total += points
        return score


def scores(self):
    with self._lock:
        return list(self._scores)


def total(self):
    with self._lock:
        return self._total


Scoreboard.__init__ = __init__
Scoreboard.add = add
Scoreboard.scores = scores
Scoreboard.total = total
