"""Closes a client as soon as recv() returns b"", with its echo still pending. A client
that half-closes (shutdown(SHUT_WR): "that is all I send", while it still reads) loses
the tail of its echo.

Source: https://runebook.dev/en/docs/python/library/socket/socket.SHUT_WR (shutdown
SHUT_WR ends only the sending side; the peer can still send its reply) and the question
https://stackoverflow.com/questions/14293120 (how an endpoint tells close() from
SHUT_WR: it cannot, so it must keep sending what it owes)
Caught by: test_a_client_that_half_closes_gets_its_whole_echo_then_end_of_file
Says: End of input
"""

from kata.runner import load_reference

load_reference("10_select_server", globals())  # everything as in the reference solution, except:


def _read(self, conn):
    try:
        data = conn.sock.recv(65536)
    except BlockingIOError:
        return
    except OSError:
        self._close(conn)
        return
    if not data:  # "the client has gone"
        self._close(conn)
        return
    conn.pending.append(data)


EchoServer._read = _read
