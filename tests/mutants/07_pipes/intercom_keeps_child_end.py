"""Intercom keeps both ends as attributes and never closes its copy of the child's end.
All works while the server lives; when it dies, the parent still holds a copy of the
far end, so no EOF ever comes and ask() waits for a reply that cannot come.

Caught by: test_ask_notices_when_the_server_is_gone
Says: The Intercom holds 2 open pipe ends
"""

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def __init__(self):
    self._conn, self._child_conn = multiprocessing.Pipe()
    self.process = multiprocessing.Process(target=serve, args=(self._child_conn, self._conn))
    self.process.start()


Intercom.__init__ = __init__
