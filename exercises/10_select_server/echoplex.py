"""10_select_server: an echo server on ``select.select``, serving many clients from one thread.

Read README.md in this folder, then replace each ``raise NotImplementedError`` below.
The methods whose names start with ``_`` are a suggested shape: the tests only use
``EchoServer(...)``, ``.address``, ``serve_forever()`` and ``stop()``, so change the rest
as you like. Check your work with:  pytest exercises/10_select_server
"""

from __future__ import annotations

import collections
import select
import socket


class Connection:
    """What the server remembers about one client: its socket and the bytes still to echo."""

    def __init__(self, sock: socket.socket) -> None:
        """Keep the client's socket; start with an empty queue of pending chunks."""
        raise NotImplementedError


class EchoServer:
    """An echo server: whatever a client sends comes back to that client, in order.

    One thread runs ``serve_forever``; ``select.select`` tells it which sockets are
    ready, so no call ever blocks on one client while the others wait.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on (host, port) without blocking, and make the wake-up socketpair for stop()."""
        raise NotImplementedError

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) clients connect to."""
        raise NotImplementedError

    def serve_forever(self) -> None:
        """Serve until ``stop()`` is called; then close every socket the server opened.

        Each turn builds the three lists, sleeps in select() (no timeout: it returns only
        when something is ready), then accepts, reads, writes and handles urgent data.
        """
        raise NotImplementedError

    def stop(self) -> None:
        """Make ``serve_forever`` return within moments; safe to call from any thread."""
        raise NotImplementedError

    def _accept(self) -> None:
        """Accept every client that is waiting; each gets a non-blocking socket and a Connection."""
        raise NotImplementedError

    def _read(self, conn: Connection) -> None:
        """Receive what the client sent and queue it to be echoed.

        On an error, close. On end of input (b""), stop reading this client and close it
        once its pending echo is sent (at once when nothing is pending).
        """
        raise NotImplementedError

    def _write(self, conn: Connection) -> None:
        """Send pending chunks while the socket takes them; keep any unsent tail in front.

        Once everything is sent to a client whose input has ended, close it.
        """
        raise NotImplementedError

    def _urgent(self, conn: Connection) -> None:
        """The client sent urgent (out-of-band) data: read it off, or the condition stays.

        An echo server has no use for urgent data, so the byte is dropped. Select is
        level-triggered: left unread, the socket would be reported exceptional on every
        call and the loop would spin.
        """
        raise NotImplementedError

    def _close(self, conn: Connection) -> None:
        """Forget the client (it leaves all three lists), then close its socket."""
        raise NotImplementedError

    def _close_everything(self) -> None:
        """Close every client, the listener and both ends of the wake-up pair."""
        raise NotImplementedError
