"""Each connection is served by a thread of its own with blocking sockets, not by a
greenlet of the hub: it echoes, but it is not a green server.

Caught by: test_one_greenlet_per_connection_and_one_thread
Says: spawn greenlets, not threads
"""

import threading

from kata.runner import load_reference

load_reference("17_green_server", globals())  # everything as in the reference solution, except:


def _serve_in_thread(self, conn):
    try:
        while True:
            data = conn.recv(65536)
            if not data:
                return
            conn.sendall(data)
    except OSError:
        pass
    finally:
        conn.close()


def _accept_forever(self):
    while True:
        try:
            conn, _ = self._listener.accept()
        except BlockingIOError:
            self.hub.wait_readable(self._listener)
            continue
        conn.setblocking(True)
        self._clients.add(conn)
        threading.Thread(target=self.handle, args=(conn,), daemon=True).start()


def handle(self, conn):
    _serve_in_thread(self, conn)


GreenEchoServer._accept_forever = _accept_forever
GreenEchoServer.handle = handle
