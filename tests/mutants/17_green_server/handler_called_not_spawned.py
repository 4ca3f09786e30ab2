"""The accepting greenlet calls self.handle(conn) itself instead of spawning a greenlet for
it: the first client is served and no other connection is accepted until it leaves.

Caught by: test_many_clients_at_once_each_get_their_own_bytes, test_one_greenlet_per_connection_and_one_thread
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
        conn.setblocking(False)
        self._clients.add(conn)
        self.handle(conn)


GreenEchoServer._accept_forever = _accept_forever
