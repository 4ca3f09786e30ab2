"""The sentinel is a fresh object(), compared with 'is'. Everything that goes through a
queue is pickled, so the STOP that arrives is a new object, never the same one: no
consumer ever recognises it, and none ever ends.

Caught by: test_consume_passes_batches_on_until_one_stop, test_run_conveyor_moves_10000_numbers_with_2_producers_and_2_consumers
Says: never a fresh object()
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


STOP = object()
