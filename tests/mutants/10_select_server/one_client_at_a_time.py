"""Serves one client at a time: after accepting, it reads and echoes that client with
blocking calls until it leaves, and only then goes back to select() for the next.

Caught by: test_serves_fifty_clients_at_once
"""

import select

from kata.runner import load_reference

load_reference("10_select_server", globals())  # everything as in the reference solution, except:


def serve_forever(self):
    try:
        while True:
            readable, _, _ = select.select([self._listener, self._wake_reader], [], [])
            if self._wake_reader in readable:
                return
            try:
                sock, _ = self._listener.accept()
            except BlockingIOError:
                continue
            sock.setblocking(True)  # recv() now waits for this client, and only this one
            conn = Connection(sock)
            self._connections[sock] = conn
            try:
                while True:
                    data = sock.recv(65536)
                    if not data:
                        break
                    sock.sendall(data)
            except OSError:
                pass
            self._close(conn)
    finally:
        self._close_everything()


EchoServer.serve_forever = serve_forever
