"""Another right design: a synchronized Array and Value, each with the lock it comes
with, and a separate multiprocessing.Lock of the board's own around every change and
every read. The wrappers' locks are taken for each single access inside it, which is
harmless: the board's lock is the one that keeps the score and the total in one step.
"""

from kata.runner import load_reference

load_reference("09_shared_memory", globals())  # everything as in the reference solution, except:


class Scoreboard(Scoreboard):
    """As in the reference, with a lock of its own over the wrappers' locks."""

    def __init__(self, teams):
        self._lock = multiprocessing.Lock()
        self._scores = multiprocessing.Array("i", teams)
        self._total = multiprocessing.Value("i", 0)

    def add(self, team, points, pause=no_pause):
        with self._lock:
            score = self._scores[team] + points
            pause()
            self._scores[team] = score
            self._total.value += points
            return score

    def scores(self):
        with self._lock:
            return list(self._scores)

    def total(self):
        with self._lock:
            return self._total.value
