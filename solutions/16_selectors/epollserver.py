"""16_selectors: an echo server on ``selectors``, serving thousands of clients from one thread.

Reference solution. One selector (epoll on Linux) watches the listening socket, a
wake-up socket and every client. Each client's socket is registered once, with a
``Client`` record as its data. A reply is sent as soon as its bytes arrive; only
when the socket cannot take all of it are the client's events switched to
EVENT_READ | EVENT_WRITE, and back to EVENT_READ once the tail has drained.
"""

from __future__ import annotations

import selectors
import socket


class Client:
    """What the server remembers about one connected client: its socket and unsent bytes."""

    def __init__(self, sock: socket.socket) -> None:
        """Keep the client's socket; nothing is pending yet."""
        self.sock = sock
        self.pending = bytearray()  # received, not yet echoed back
        self.ended = False  # the client shut down its sending side: close once all is sent


class EchoServer:
    """An echo server: whatever a client sends comes back to that client, in order.

    One thread, one selector, any number of clients; nothing ever blocks.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on (host, port), non-blocking; create the selector and the wake-up pair.

        Register the listening socket and the wake-up socket for EVENT_READ, each with a
        data value that tells them apart from clients.
        """
        self._selector = selectors.DefaultSelector()  # epoll on Linux, kqueue on macOS
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((host, port))
        self._listener.listen(socket.SOMAXCONN)  # many clients may knock at once
        self._listener.setblocking(False)
        # stop() writes a byte into one end; the other end, in the selector, wakes select().
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_reader.setblocking(False)
        self._selector.register(self._listener, selectors.EVENT_READ, data="listener")
        self._selector.register(self._wake_reader, selectors.EVENT_READ, data="wake-up")
        self._stopping = False

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) clients connect to."""
        return self._listener.getsockname()

    def serve_forever(self) -> None:
        """Serve until ``stop()`` is called; then close every socket and the selector.

        Each turn of the loop asks the selector which sockets are ready and handles each:
        accept on the listener, read (and echo) on a client, write its pending bytes.
        """
        try:
            while not self._stopping:
                for key, events in self._selector.select():
                    if key.data == "listener":
                        self._accept()
                    elif key.data == "wake-up":
                        self._stopping = True
                    else:
                        if events & selectors.EVENT_READ:
                            self._read(key.data)
                        # _read may have closed the client: only write to one still here.
                        if events & selectors.EVENT_WRITE and key.data.sock.fileno() != -1:
                            self._write(key.data)
        finally:
            self._close_everything()

    def stop(self) -> None:
        """Make ``serve_forever`` return soon; safe to call from any thread."""
        try:
            self._wake_writer.send(b"x")
        except OSError:
            pass  # already stopped and closed

    def _accept(self) -> None:
        """Accept every client waiting; register each for EVENT_READ with a ``Client``."""
        while True:
            try:
                sock, _ = self._listener.accept()
            except BlockingIOError:
                return  # nobody else is waiting
            except OSError:
                return  # the client gave up before we got to it (or out of descriptors)
            sock.setblocking(False)
            self._selector.register(sock, selectors.EVENT_READ, data=Client(sock))

    def _read(self, client: Client) -> None:
        """Receive what the client sent and echo it back; close on an error.

        What the socket cannot take at once stays pending, watched for EVENT_WRITE. On
        end of input (b""), close at once if nothing is pending; else watch only
        EVENT_WRITE, and close once the pending echo is sent.
        """
        try:
            data = client.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:  # ECONNRESET and friends: this client is gone, the others go on
            self._close(client)
            return
        if not data:  # the client shut down its sending side; it may still be reading
            if client.pending:  # what it is owed still goes back; then _write closes it
                client.ended = True
                self._selector.modify(client.sock, selectors.EVENT_WRITE, data=client)
            else:
                self._close(client)
            return
        waiting = bool(client.pending)
        client.pending += data
        if waiting:
            return  # older bytes wait, watched for EVENT_WRITE: these go after them
        # Nothing was waiting: send at once. A socket can almost always take a short reply,
        # and then the selector never needs to hear about writing.
        if self._send_pending(client) and client.pending:
            # The socket took only part: ask to hear when it can take the rest.
            self._selector.modify(
                client.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, data=client
            )

    def _write(self, client: Client) -> None:
        """Send as much pending output as the socket takes; keep the rest for later.

        Once nothing is pending, go back to EVENT_READ only: a socket is writable almost
        always, and a selector watching it for writing would wake at once, every time.
        (Or close, if the client's input has ended.)
        """
        if self._send_pending(client) and not client.pending:
            if client.ended:  # all sent, and nothing more will come
                self._close(client)
            else:
                self._selector.modify(client.sock, selectors.EVENT_READ, data=client)

    def _send_pending(self, client: Client) -> bool:
        """Send what the socket takes of the client's pending output; False if it is gone."""
        try:
            sent = client.sock.send(client.pending)
        except BlockingIOError:
            return True  # the socket is full after all: nothing sent, nothing lost
        except OSError:  # the client reset the connection
            self._close(client)
            return False
        del client.pending[:sent]  # a partial send: the tail waits for the next turn
        return True

    def _close(self, client: Client) -> None:
        """Forget the client: unregister it first (the selector needs the open socket), then close."""
        self._selector.unregister(client.sock)
        client.sock.close()

    def _close_everything(self) -> None:
        """Unregister and close every socket still in the selector, then the selector itself."""
        for key in list(self._selector.get_map().values()):
            self._selector.unregister(key.fileobj)
            key.fileobj.close()
        self._selector.close()
        self._wake_writer.close()
