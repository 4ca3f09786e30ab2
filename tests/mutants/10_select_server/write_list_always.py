"""Puts every client in the write list on every turn, pending output or not: a socket is
writable almost always, so select() returns at once, forever, and the loop spins.

Caught by: test_an_idle_server_sleeps
Says: write list
"""

import select as _select

from kata.runner import load_reference

load_reference("10_select_server", globals())  # everything as in the reference solution, except:


class _AlwaysWrite:
    @staticmethod
    def select(r, w, x, *timeout):
        clients = [s for s in r if s is not None and s in x]
        return _select.select(r, clients, x, *timeout)


select = _AlwaysWrite
