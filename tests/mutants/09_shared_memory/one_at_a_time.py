"""play joins each referee right after starting it: the results are right, but the
referees run one after the other, never at the same time.

Caught by: test_play_runs_the_referees_at_once_and_waits_for_them
Says: one at a time
"""

from kata.runner import load_reference

load_reference("09_shared_memory", globals())  # everything as in the reference solution, except:


def play(board, referees, pause=no_pause):
    for team, points in referees:
        process = multiprocessing.Process(target=referee, args=(board, team, points, pause))
        process.start()
        process.join()
    return board.scores()
