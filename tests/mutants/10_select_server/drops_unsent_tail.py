"""Ignores what send() returns, as the source does: when the socket takes only part of a
chunk, the rest is thrown away with it.

Caught by: test_a_large_message_comes_back_whole
Says: while reading slowly
"""

from kata.runner import load_reference

load_reference("10_select_server", globals())  # everything as in the reference solution, except:


def _write(self, conn):
    while conn.pending:
        try:
            conn.sock.send(conn.pending[0])
        except BlockingIOError:
            return
        except OSError:
            self._close(conn)
            return
        conn.pending.popleft()


EchoServer._write = _write
