"""ask() lets BrokenPipeError out when send() is the one that notices the server is
gone, so callers must catch two exceptions for one event.

Caught by: test_ask_notices_when_the_server_is_gone
Says: ask() let BrokenPipeError out
"""

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def ask(self, request, timeout=5.0):
    self._conn.send(request)
    if not self._conn.poll(timeout):
        raise TimeoutError(f"the server did not reply within {timeout} s")
    return self._conn.recv()


Intercom.ask = ask
