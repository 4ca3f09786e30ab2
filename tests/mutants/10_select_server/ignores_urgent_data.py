"""Puts clients in the exceptional list but does nothing when one is reported there: the
urgent byte is never read, so select() reports it again at once, forever, and spins.

Caught by: test_urgent_data_neither_crashes_nor_spins
Says: urgent
"""

from kata.runner import load_reference

load_reference("10_select_server", globals())  # everything as in the reference solution, except:


def _urgent(self, conn):
    pass


EchoServer._urgent = _urgent
