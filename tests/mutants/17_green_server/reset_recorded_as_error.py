"""handle() catches nothing: a client that resets (or hangs up mid-echo) makes recv or
sendall raise ConnectionResetError or BrokenPipeError out of handle, and spawn's wrapper
records it in hub.errors. The connection is still closed (finally) and the others go
on, but every reset becomes an "error", each kept with its traceback, its frames and
their socket, in a list that grows for as long as the server runs, and real faults drown
in it.

Source: https://github.com/gevent/gevent/issues/136 ("connection reset by peer" and
"broken pipe" shouldn't cause debugging output: "these noise errors can hide important
errors")
Caught by: test_a_reset_client_does_not_disturb_the_others
Says: A reset is one of the two ways a connection ends
"""

from kata.runner import load_reference

load_reference("17_green_server", globals())  # everything as in the reference solution, except:


def handle(self, conn):
    try:
        while True:
            data = recv(self.hub, conn, 65536)
            if not data:
                return
            sendall(self.hub, conn, data)
    finally:
        self._clients.discard(conn)
        conn.close()


GreenEchoServer.handle = handle
