"""Makes the items and results queues with queue.Queue, the thread queue (the Python 2
`Queue` module's, renamed), instead of multiprocessing.Queue. A thread queue lives in one
process's memory: under fork every child gets a copy of its own, so what the producers
put never reaches the consumers, and the parent waits for results that cannot come;
under spawn and forkserver it cannot be handed to a child at all (cannot pickle
'_thread.lock' object).

Source: Python docs, multiprocessing, "Exchanging objects between processes": "The Queue
class is a near clone of queue.Queue", and queue: "The queue module implements
multi-producer, multi-consumer queues ... useful in threaded programming"
(https://docs.python.org/3/library/multiprocessing.html#exchanging-objects-between-processes).
Caught by: test_run_conveyor_moves_10000_numbers_with_2_producers_and_2_consumers, test_more_than_a_pipe_holds_goes_through_without_deadlock
Says: queue.Queue is a thread queue
"""

import queue as _threads

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


class _ThreadQueue(_threads.Queue):
    """queue.Queue, plus the two clean-up calls the reference makes on its queues (as
    no-ops), so that what goes wrong is only what a thread queue does between processes."""

    def close(self):
        pass

    def cancel_join_thread(self):
        pass


class _ThreadQueues:
    """multiprocessing, as this module sees it, but its Queue is a thread queue."""

    def __getattr__(self, name):
        return _ThreadQueue if name == "Queue" else getattr(_multiprocessing, name)


_multiprocessing = multiprocessing
multiprocessing = _ThreadQueues()
