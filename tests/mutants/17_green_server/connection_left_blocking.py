"""The accepted socket is left blocking (accept() hands back a blocking socket): recv
with nothing to read waits inside the OS and the whole thread, hub and all, stops.

Caught by: test_many_clients_at_once_each_get_their_own_bytes, test_one_greenlet_per_connection_and_one_thread
Says: blocking the whole thread
"""

from kata.runner import load_reference

load_reference("17_green_server", globals())  # everything as in the reference solution, except:


def _accept_forever(self):
    while True:
        try:
            conn, _ = self._listener.accept()
        except BlockingIOError:
            self.hub.wait_readable(self._listener)
            continue
        self._clients.add(conn)
        self.hub.spawn(self.handle, conn)


GreenEchoServer._accept_forever = _accept_forever
