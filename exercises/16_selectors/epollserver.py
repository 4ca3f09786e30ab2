"""16_selectors: an echo server on ``selectors``, serving thousands of clients from one thread.

Read README.md in this folder, then replace each ``raise NotImplementedError`` below.
The methods whose names start with ``_`` are a suggested shape: the tests only use
``EchoServer(...)``, ``.address``, ``serve_forever()`` and ``stop()``, so change the rest
as you like. Check your work with:  pytest exercises/16_selectors
"""

from __future__ import annotations

import selectors
import socket


class Client:
    """What the server remembers about one connected client: its socket and unsent bytes."""

    def __init__(self, sock: socket.socket) -> None:
        """Keep the client's socket; nothing is pending yet."""
        raise NotImplementedError


class EchoServer:
    """An echo server: whatever a client sends comes back to that client, in order.

    One thread, one selector, any number of clients; nothing ever blocks.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on (host, port), non-blocking; create the selector and the wake-up pair.

        Register the listening socket and the wake-up socket for EVENT_READ, each with a
        data value that tells them apart from clients.
        """
        raise NotImplementedError

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) clients connect to."""
        raise NotImplementedError

    def serve_forever(self) -> None:
        """Serve until ``stop()`` is called; then close every socket and the selector.

        Each turn of the loop asks the selector which sockets are ready and handles each:
        accept on the listener, read (and echo) on a client, write its pending bytes.
        """
        raise NotImplementedError

    def stop(self) -> None:
        """Make ``serve_forever`` return soon; safe to call from any thread."""
        raise NotImplementedError

    def _accept(self) -> None:
        """Accept every client waiting; register each for EVENT_READ with a ``Client``."""
        raise NotImplementedError

    def _read(self, client: Client) -> None:
        """Receive what the client sent and echo it back; close on an error.

        What the socket cannot take at once stays pending, watched for EVENT_WRITE. On
        end of input (b""), close at once if nothing is pending; else watch only
        EVENT_WRITE, and close once the pending echo is sent.
        """
        raise NotImplementedError

    def _write(self, client: Client) -> None:
        """Send as much pending output as the socket takes; keep the rest for later.

        Once nothing is pending, go back to EVENT_READ only: a socket is writable almost
        always, and a selector watching it for writing would wake at once, every time.
        (Or close, if the client's input has ended.)
        """
        raise NotImplementedError

    def _close(self, client: Client) -> None:
        """Forget the client: unregister it first (the selector needs the open socket), then close."""
        raise NotImplementedError

    def _close_everything(self) -> None:
        """Unregister and close every socket still in the selector, then the selector itself."""
        raise NotImplementedError
