"""Does nothing when recv() returns b'': the departed client is never closed, stays in
the read list (end of file is readable on every call) and keeps its descriptor.

Caught by: test_clients_that_leave_are_closed_and_forgotten
Says: descriptors open
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
    if data:
        conn.pending.append(data)


EchoServer._read = _read
