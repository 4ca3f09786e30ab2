"""handle() closes its connection when the client leaves or resets, but not in a finally,
and serve_forever keeps no list of connections: at a stop, the hub unwinds each parked
handler (GreenletExit), which skips the close, and the socket is closed only when the
garbage collector frees the greenlet's frame (CPython: at once, with a ResourceWarning,
"unclosed socket"). Anything else still holding it keeps that connection open, and its
client waits.

Source: gevent's change log for 1.1, as quoted in https://github.com/gevent/gevent/issues/812
("StreamServer now deterministically close the client socket when the request handler
returns. Previously, the socket was left at the mercies of the garbage collector")
Caught by: test_stop_unwinds_parked_greenlets_and_closes_every_socket
Says: left to the garbage collector
"""

from kata.runner import load_reference

load_reference("17_green_server", globals())  # everything as in the reference solution, except:


def handle(self, conn):
    try:
        while True:
            data = recv(self.hub, conn, 65536)
            if not data:
                break
            sendall(self.hub, conn, data)
    except ConnectionError:
        pass
    conn.close()  # not reached when the hub unwinds this greenlet at a stop


def _accept_forever(self):
    while True:
        try:
            conn, _ = self._listener.accept()
        except BlockingIOError:
            self.hub.wait_readable(self._listener)
            continue
        conn.setblocking(False)
        self.hub.spawn(self.handle, conn)  # nobody keeps conn but its greenlet


GreenEchoServer.handle = handle
GreenEchoServer._accept_forever = _accept_forever
