"""Intercom gives the child only its own end. Under fork the child inherits a copy of
the parent's end anyway and cannot close it, so the server never sees EOF after the
hang-up. Under spawn and forkserver this code is right: the child gets only what is
passed. So this is caught under fork only (the default on Linux up to Python 3.13).

Caught by: test_intercom_answers_requests_in_order_and_hangs_up_cleanly
Caught under: fork
Says: a copy of the parent's end is still open in the child
"""

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def __init__(self):
    self._conn, child_end = multiprocessing.Pipe()
    self.process = multiprocessing.Process(target=serve, args=(child_end,))
    self.process.start()
    child_end.close()


Intercom.__init__ = __init__
