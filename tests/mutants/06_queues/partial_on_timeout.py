"""When time is up, the parent stops the processes but returns the numbers it has so
far instead of raising: the caller cannot tell a partial answer from a whole one.

Caught by: test_run_conveyor_gives_up_in_time_and_leaves_nothing_running
Says: a partial answer
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


_run_conveyor = run_conveyor


def run_conveyor(count, producers=2, consumers=2, batch=100, timeout=30.0):
    try:
        return _run_conveyor(count, producers, consumers, batch, timeout)
    except TimeoutError:
        return []  # what arrived, as far as the caller can tell
