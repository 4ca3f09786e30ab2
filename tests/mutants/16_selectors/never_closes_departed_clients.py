"""Ignores recv() returning b'': the departed client stays registered and open, so its
descriptor leaks and the selector finds it readable (at end of file) on every turn.

Caught by: test_clients_that_leave_are_unregistered_and_closed
Says: descriptors open
"""

from kata.runner import load_reference

load_reference("16_selectors", globals())  # everything as in the reference solution, except:


def _read(self, client):
    try:
        data = client.sock.recv(65536)
    except BlockingIOError:
        return
    except OSError:
        self._close(client)
        return
    if not data:
        return  # the client has gone... and nobody forgets it
    if not client.pending:
        self._selector.modify(client.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, data=client)
    client.pending += data


EchoServer._read = _read
