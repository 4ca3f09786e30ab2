"""Registers every client for EVENT_READ | EVENT_WRITE for good: a socket is almost always
writable, so select() returns at once, over and over, and the idle server spins.

Caught by: test_an_idle_server_burns_no_cpu
Says: EVENT_WRITE
"""

from kata.runner import load_reference

load_reference("16_selectors", globals())  # everything as in the reference solution, except:


def _accept(self):
    while True:
        try:
            sock, _ = self._listener.accept()
        except OSError:
            return
        sock.setblocking(False)
        self._selector.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE, data=Client(sock))


def _read(self, client):
    try:
        data = client.sock.recv(65536)
    except BlockingIOError:
        return
    except OSError:
        self._close(client)
        return
    if not data:
        self._close(client)
        return
    client.pending += data


def _write(self, client):
    if not client.pending:
        return
    try:
        sent = client.sock.send(client.pending)
    except BlockingIOError:
        return
    except OSError:
        self._close(client)
        return
    del client.pending[:sent]


EchoServer._accept = _accept
EchoServer._read = _read
EchoServer._write = _write
