"""stop() sets a flag that serve_forever checks each time select() times out (every
0.2 s): it stops, slowly, and an idle server wakes five times a second for nothing.

Caught by: test_an_idle_server_sleeps
Says: woke up
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
                [self._listener, *clients], waiting, clients, 0.2
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
