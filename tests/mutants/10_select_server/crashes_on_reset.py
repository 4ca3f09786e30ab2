"""Does not catch OSError around recv(): a client that resets its connection raises
ConnectionResetError out of serve_forever, and every other client is dropped with it.

Caught by: test_a_client_that_resets_does_not_disturb_the_others
Says: ConnectionResetError
"""

from kata.runner import load_reference

load_reference("10_select_server", globals())  # everything as in the reference solution, except:


def _read(self, conn):
    try:
        data = conn.sock.recv(65536)
    except BlockingIOError:
        return
    if not data:
        self._close(conn)
        return
    conn.pending.append(data)


EchoServer._read = _read
