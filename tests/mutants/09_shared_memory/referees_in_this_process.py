"""play calls referee directly, in the parent process: no referee process is started.

Caught by: test_play_runs_the_referees_at_once_and_waits_for_them
Says: instead of starting a Process
"""

from kata.runner import load_reference

load_reference("09_shared_memory", globals())  # everything as in the reference solution, except:


def play(board, referees, pause=no_pause):
    for team, points in referees:
        referee(board, team, points, pause)
    return board.scores()
