"""A threading.Lock guards the raw shared scores and total. It is made once, in the
parent, and handed to the children with the board, but a thread lock is not shared
between processes: under fork each child gets its own copy and nobody waits for
anybody (points are lost); under spawn and forkserver it cannot even be sent to a child
(TypeError: cannot pickle '_thread.lock' object).

Source: http://www.taourl.com/read-3048082.html ("TypeError: Cannot pickle _thread.lock
object" with a threading.Lock used by multiprocessing.Process workers), and the Python
docs, multiprocessing "Synchronization between processes" (multiprocessing has its own
Lock).
Caught by: test_referees_at_once_lose_no_points, test_scores_and_total_wait_for_an_add_in_progress
Says: keeps out only the threads of that process
"""

import threading

from kata.runner import load_reference

load_reference("09_shared_memory", globals())  # everything as in the reference solution, except:


class Scoreboard(Scoreboard):
    def __init__(self, teams):
        self._lock = threading.Lock()
        self._scores = multiprocessing.RawArray("i", teams)
        self._total = multiprocessing.RawValue("i", 0)

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
