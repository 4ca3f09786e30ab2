"""play gives each Process a function nested inside play as its target (a closure over
board, team, points and pause that calls referee). Under fork, the Linux default up to
Python 3.13, the child is a copy of the parent and all works; under spawn (macOS,
Windows) and forkserver (Linux from 3.14) the target must be pickled, and a nested
function cannot be: Process.start() raises AttributeError: Can't pickle local object.

Source: https://funktor.github.io/software-engineering/2025/07/14/multiprocessing-python-os-issue.html
(nested producer and consumer targets that ran on Ubuntu and failed on macOS with
"Can't pickle local object 'fn.<locals>.producer'")
Caught by: test_every_child_runs_a_top_level_function
Caught under: fork, forkserver, spawn
Says: only fork can start
"""

from kata.runner import load_reference

load_reference("09_shared_memory", globals())  # everything as in the reference solution, except:


def play(board, referees, pause=no_pause):
    processes = []
    for i, (team, points) in enumerate(referees):

        def run(team=team, points=points):
            referee(board, team, points, pause)

        processes.append(multiprocessing.Process(target=run, name=f"referee-{i}"))
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return board.scores()
