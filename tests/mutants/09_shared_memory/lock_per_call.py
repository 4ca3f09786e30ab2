"""A new multiprocessing.Lock made inside each call of add: every caller has a lock of
its own, nobody ever waits for anybody, and the lock guards nothing.

Caught by: test_referees_at_once_lose_no_points
Says: points were lost
"""

from kata.runner import load_reference

load_reference("09_shared_memory", globals())  # everything as in the reference solution, except:


def add(self, team, points, pause=no_pause):
    with multiprocessing.Lock():
        score = self._scores[team] + points
        pause()
        self._scores[team] = score
        self._total.value += points
        return score


Scoreboard.add = add
