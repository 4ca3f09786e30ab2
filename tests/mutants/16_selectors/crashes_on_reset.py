"""Lets ConnectionResetError out of recv(): one client that resets its connection ends
serve_forever, and every other client is left without a server.

Caught by: test_a_client_that_resets_does_not_disturb_the_others
Says: ConnectionResetError
"""

from kata.runner import load_reference

load_reference("16_selectors", globals())  # everything as in the reference solution, except:


def _read(self, client):
    try:
        data = client.sock.recv(65536)
    except BlockingIOError:
        return
    if not data:
        self._close(client)
        return
    if not client.pending:
        self._selector.modify(client.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, data=client)
    client.pending += data


EchoServer._read = _read
