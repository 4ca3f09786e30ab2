"""Catches OSError around recv() but only BlockingIOError around send(): a client that
hangs up while its echo is still going out makes send() raise ConnectionResetError or
BrokenPipeError out of serve_forever, and every other client is dropped with it.

Source: https://devpeace.com/python/180095/how-to-handle-a-broken-pipe-sigpipe-in-python
("the server will crash because of a broken-pipe error ... when the program tries to send
a response back to a client that is no longer present")
Caught by: test_a_client_that_resets_does_not_disturb_the_others
Says: ConnectionResetError
"""

from kata.runner import load_reference

load_reference("10_select_server", globals())  # everything as in the reference solution, except:


def _write(self, conn):
    while conn.pending:
        chunk = conn.pending[0]
        try:
            sent = conn.sock.send(chunk)
        except BlockingIOError:
            return
        if sent < len(chunk):
            conn.pending[0] = chunk[sent:]
            return
        conn.pending.popleft()
    if conn.ended:
        self._close(conn)


EchoServer._write = _write
