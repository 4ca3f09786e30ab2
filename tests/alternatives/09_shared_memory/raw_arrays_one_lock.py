"""Another right design: the scores and the total are raw shared ctypes
(``lock=False``: no lock of their own), guarded by one separate multiprocessing.Lock
(not re-entrant, which is enough: nothing under it takes it again). Every
read-pause-write and every read happens under that lock.
"""

from kata.runner import load_reference

load_reference("09_shared_memory", globals())  # everything as in the reference solution, except:


class Scoreboard(Scoreboard):
    """As in the reference, on raw shared memory with a lock of its own."""

    def __init__(self, teams):
        self._lock = multiprocessing.Lock()
        self._scores = multiprocessing.Array("i", teams, lock=False)
        self._total = multiprocessing.Value("i", 0, lock=False)

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
