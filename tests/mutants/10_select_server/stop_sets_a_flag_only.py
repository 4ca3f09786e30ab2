"""stop() sets a flag and nothing wakes select(): serve_forever sleeps on until some
client happens to speak, so it never returns once the clients are quiet.

Caught by: test_stop_ends_serve_forever_and_closes_every_socket
Says: socketpair
"""

import select

from kata.runner import load_reference

load_reference("10_select_server", globals())  # everything as in the reference solution, except:

def serve_forever(self):
    self._stopping = False
    try:
        while not self._stopping:
            clients = list(self._connections)
            waiting = [c.sock for c in self._connections.values() if c.pending]
            readable, writable, exceptional = select.select(
                [self._listener, *clients], waiting, clients
            )
            for sock in readable:
                if sock is self._listener:
                    self._accept()
                elif sock in self._connections:
                    self._read(self._connections[sock])
            for sock in writable:
                if sock in self._connections:
                    self._write(self._connections[sock])
            for sock in exceptional:
                if sock in self._connections:
                    self._urgent(self._connections[sock])
    finally:
        self._close_everything()


def stop(self):
    self._stopping = True


EchoServer.serve_forever = serve_forever
EchoServer.stop = stop
