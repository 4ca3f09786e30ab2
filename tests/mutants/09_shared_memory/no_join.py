"""play starts every referee and reads the scores at once, without joining them: the
referees have not added anything yet.

Caught by: test_play_runs_the_referees_at_once_and_waits_for_them
Says: Starting a process does not wait for it
"""

from kata.runner import load_reference

load_reference("09_shared_memory", globals())  # everything as in the reference solution, except:


def play(board, referees, pause=no_pause):
    for i, (team, points) in enumerate(referees):
        multiprocessing.Process(target=referee, args=(board, team, points, pause)).start()
    return board.scores()
