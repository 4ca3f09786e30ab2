"""Calls select() with timeout=0: it never sleeps, so an idle server spins a whole core.

Caught by: test_an_idle_server_sleeps
Says: timeout=0
"""

import select as _select

from kata.runner import load_reference

load_reference("10_select_server", globals())  # everything as in the reference solution, except:


class _Spinning:
    @staticmethod
    def select(r, w, x, timeout=None):
        return _select.select(r, w, x, 0)


select = _Spinning  # serve_forever looks up `select` in this module's globals
