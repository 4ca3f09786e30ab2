"""Each referee process makes its own lock and holds it around its adds (and add takes
none): the lock is not shared between processes, so it keeps nobody else out.

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


def referee(board, team, points, pause=no_pause):
    lock = multiprocessing.RLock()  # made in the child: only this process ever sees it
    for p in points:
        with lock:
            board.add(team, p, pause)


Scoreboard.add = add
