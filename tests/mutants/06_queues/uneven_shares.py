"""Each producer gets count // producers numbers: when count does not divide evenly, the
numbers left over are given to nobody and never sent.

Caught by: test_more_than_a_pipe_holds_goes_through_without_deadlock
Says: never came back
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


_run_conveyor = run_conveyor


def run_conveyor(count, producers=2, consumers=2, batch=100, timeout=30.0):
    share = count // producers
    received = _run_conveyor(share * producers, producers, consumers, batch, timeout)
    return received  # the last count % producers numbers were never produced
