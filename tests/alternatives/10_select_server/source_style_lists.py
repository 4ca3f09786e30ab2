"""Another right design, closer to the source's shape: the read and write lists are kept
up to date as clients come and go (not rebuilt each turn), pending output is one
bytearray per socket in a dict, the wake-up pair's two ends are kept as bare
descriptors, and a client that sends urgent data is dropped (as the source does with
anything exceptional) instead of having the byte read off. (The wake-up is a socketpair,
not an os.pipe: Windows' select() takes sockets only.)
"""

from __future__ import annotations

import select
import socket


class EchoServer:
    """An echo server: whatever a client sends comes back to that client, in order.

    One thread runs ``serve_forever``; ``select.select`` tells it which sockets are
    ready, so no call ever blocks on one client while the others wait.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on (host, port) without blocking, and make the wake-up pipe for stop()."""
        self._listener = socket.create_server((host, port), backlog=socket.SOMAXCONN)
        self._listener.setblocking(False)
        self._wake_pair = socket.socketpair()
        self._wake_r, self._wake_w = (s.fileno() for s in self._wake_pair)
        self._inputs: list = [self._listener, self._wake_r]
        self._outputs: list = []
        self._pending: dict[socket.socket, bytearray] = {}
        self._ended: set[socket.socket] = set()  # half-closed: out of the inputs, echo pending

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) clients connect to."""
        return self._listener.getsockname()[:2]

    def serve_forever(self) -> None:
        """Serve until ``stop()`` is called; then close every socket the server opened.

        The lists change only when a client comes, goes, or has output pending; a client
        reported exceptional (urgent data) is dropped first.
        """
        try:
            while True:
                clients = self._inputs[2:]
                readable, writable, exceptional = select.select(self._inputs, self._outputs, clients)
                if self._wake_r in readable:
                    return
                for sock in exceptional:
                    self._drop(sock)
                for sock in readable:
                    if sock is self._listener:
                        self._accept()
                    elif sock in self._pending:
                        self._read(sock)
                for sock in writable:
                    if sock in self._pending:
                        self._write(sock)
        finally:
            for sock in list(self._pending):
                self._drop(sock)
            self._listener.close()
            for end in self._wake_pair:
                end.close()
            self._wake_w = -1

    def stop(self) -> None:
        """Make ``serve_forever`` return within moments; safe to call from any thread."""
        try:
            self._wake_pair[1].send(b"x")
        except OSError:
            pass

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:  # BlockingIOError: nobody else waits
                return
            sock.setblocking(False)
            self._inputs.append(sock)
            self._pending[sock] = bytearray()

    def _read(self, sock) -> None:
        try:
            data = sock.recv(32768)
        except BlockingIOError:
            return
        except OSError:
            self._drop(sock)
            return
        if not data:
            if self._pending[sock]:  # a half-close: read no more, echo the rest, then drop
                self._ended.add(sock)
                self._inputs.remove(sock)
            else:
                self._drop(sock)
            return
        if not self._pending[sock]:
            self._outputs.append(sock)
        self._pending[sock] += data

    def _write(self, sock) -> None:
        try:
            sent = sock.send(self._pending[sock])
        except BlockingIOError:
            return
        except OSError:
            self._drop(sock)
            return
        del self._pending[sock][:sent]
        if not self._pending[sock]:
            self._outputs.remove(sock)
            if sock in self._ended:
                self._drop(sock)

    def _drop(self, sock) -> None:
        if sock not in self._pending:
            return
        del self._pending[sock]
        if sock in self._ended:
            self._ended.discard(sock)
        else:
            self._inputs.remove(sock)
        if sock in self._outputs:
            self._outputs.remove(sock)
        sock.close()
