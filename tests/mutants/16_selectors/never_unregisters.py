"""Closes a departed client's socket without unregistering it: the selector keeps the old
number in its map, and the next socket that gets that number cannot be registered
(KeyError), which ends serve_forever.

Caught by: test_clients_that_leave_are_unregistered_and_closed
Says: unregister its socket
"""

from kata.runner import load_reference

load_reference("16_selectors", globals())  # everything as in the reference solution, except:


def _close(self, client):
    client.sock.close()


EchoServer._close = _close
