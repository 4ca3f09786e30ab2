"""Another right design: select.poll (no 1024 limit either) instead of a selectors
object, a dict from descriptor to client, output kept as a deque of chunks, a wake-up
os.pipe, and backpressure: a client with much output pending is not read from until it
has drained (its sender then waits, which is fine).
"""

from __future__ import annotations

import collections
import os
import select
import socket

LIMIT = 256 * 1024  # stop reading a client with this much output pending


class Client:
    """What the server remembers about one connected client: its socket and unsent bytes."""

    def __init__(self, sock: socket.socket) -> None:
        """Keep the client's socket; nothing is pending yet."""
        self.sock = sock
        self.chunks: collections.deque[memoryview] = collections.deque()
        self.pending = 0
        self.ended = False  # its input has ended: close once the echo is sent


class EchoServer:
    """An echo server: whatever a client sends comes back to that client, in order.

    One thread, one selector, any number of clients; nothing ever blocks.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on (host, port), non-blocking; create the selector and the wake-up pair.

        Register the listening socket and the wake-up socket for EVENT_READ, each with a
        data value that tells them apart from clients.
        """
        self._listener = socket.create_server((host, port), backlog=4096)
        self._listener.setblocking(False)
        self._wake_r, self._wake_w = os.pipe()
        self._poll = select.poll()
        self._poll.register(self._listener.fileno(), select.POLLIN)
        self._poll.register(self._wake_r, select.POLLIN)
        self._clients: dict[int, Client] = {}

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) clients connect to."""
        return self._listener.getsockname()

    def serve_forever(self) -> None:
        """Serve until ``stop()`` is called; then close every socket and the selector.

        Each turn of the loop asks the selector which sockets are ready and handles each:
        accept on the listener, read (and echo) on a client, write its pending bytes.
        """
        listener = self._listener.fileno()
        try:
            while True:
                for fd, events in self._poll.poll():
                    if fd == self._wake_r:
                        return
                    if fd == listener:
                        self._accept()
                        continue
                    client = self._clients.get(fd)
                    if client is None:
                        continue
                    if events & (select.POLLIN | select.POLLHUP | select.POLLERR):
                        self._read(client)
                    if fd in self._clients and events & select.POLLOUT:
                        self._write(client)
        finally:
            for client in self._clients.values():
                client.sock.close()
            self._clients.clear()
            self._listener.close()
            os.close(self._wake_r)
            os.close(self._wake_w)

    def stop(self) -> None:
        """Make ``serve_forever`` return soon; safe to call from any thread."""
        try:
            os.write(self._wake_w, b"!")
        except OSError:
            pass

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            sock.setblocking(False)
            self._clients[sock.fileno()] = Client(sock)
            self._poll.register(sock.fileno(), select.POLLIN)

    def _watch(self, client: Client) -> None:
        mask = select.POLLOUT if client.pending else 0
        if client.pending < LIMIT and not client.ended:
            mask |= select.POLLIN
        self._poll.modify(client.sock.fileno(), mask)

    def _read(self, client: Client) -> None:
        try:
            data = client.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            if client.pending and not client.ended:  # a half-close: the echo still goes back
                client.ended = True
                self._watch(client)
            else:
                self._drop(client)
            return
        client.chunks.append(memoryview(data))
        client.pending += len(data)
        self._watch(client)

    def _write(self, client: Client) -> None:
        while client.chunks:
            chunk = client.chunks[0]
            try:
                sent = client.sock.send(chunk)
            except BlockingIOError:
                break
            except OSError:
                self._drop(client)
                return
            client.pending -= sent
            if sent < len(chunk):
                client.chunks[0] = chunk[sent:]
                break
            client.chunks.popleft()
        if client.ended and not client.chunks:
            self._drop(client)
            return
        self._watch(client)

    def _drop(self, client: Client) -> None:
        fd = client.sock.fileno()
        self._poll.unregister(fd)
        del self._clients[fd]
        client.sock.close()
