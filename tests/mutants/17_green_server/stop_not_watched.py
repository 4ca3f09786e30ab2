"""stop() writes to the socketpair, but no greenlet of the hub waits on it: the hub sleeps
in select on the clients only, and serve_forever never returns.

Caught by: test_many_clients_at_once_each_get_their_own_bytes, test_a_reset_client_does_not_disturb_the_others
Says: had not returned
"""

from kata.runner import load_reference

load_reference("17_green_server", globals())  # everything as in the reference solution, except:


def serve_forever(self):
    self.hub = Hub()
    try:
        self.hub.spawn(self._accept_forever)
        self.hub.run()
    finally:
        for conn in list(self._clients):
            conn.close()
        self._clients.clear()
        for sock in (self._listener, self._wake_recv, self._wake_send):
            sock.close()


GreenEchoServer.serve_forever = serve_forever
