"""Closes a client as soon as recv() returns b"", with its echo still pending. A client
that half-closes (shutdown(SHUT_WR): "that is all I send", while it still reads) loses
the tail of its echo.

Source: https://runebook.dev/en/docs/python/library/socket/socket.SHUT_WR (SHUT_WR ends
only the sending side; the peer can still send its reply) and
https://stackoverflow.com/questions/14293120 (a FIN does not say whether the peer still reads)
Caught by: test_a_client_that_half_closes_gets_its_whole_echo_then_end_of_file
Says: End of input
"""

import selectors

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
    if not data:  # "the client has gone"
        self._close(client)
        return
    waiting = bool(client.pending)
    client.pending += data
    if waiting:
        return
    if self._send_pending(client) and client.pending:
        self._selector.modify(client.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, data=client)


EchoServer._read = _read
