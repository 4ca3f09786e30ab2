"""Every change is made under one lock, but scores() and total() read the raw shared
memory without it ("a read is atomic anyway"): a read made while an add is under way
sees the board halfway through the change instead of waiting for it.

Source: https://docs.vllm.ai/en/stable/api/vllm/utils/counter/ (vllm's AtomicCounter:
inc() and dec() change the value under the lock, the value property reads it without),
and the README's task 2: "scores() and total() read under the lock".
Caught by: test_scores_and_total_wait_for_an_add_in_progress
Says: it read without the board's lock
"""

from kata.runner import load_reference

load_reference("09_shared_memory", globals())  # everything as in the reference solution, except:


class Scoreboard(Scoreboard):
    def __init__(self, teams):
        self._lock = multiprocessing.Lock()
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
        return list(self._scores)

    def total(self):
        return self._total.value
