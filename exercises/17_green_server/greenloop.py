"""17_green_server: how gevent works, built small: a hub, greenlets, and a green echo server.

Read README.md in this folder, then replace each ``raise NotImplementedError`` below.
Check your work with:  pytest exercises/17_green_server
"""

from __future__ import annotations

import select
import socket
from collections import deque

import greenlet


class Hub:
    """A tiny greenlet scheduler that waits for sockets with ``select``.

    Use it from one thread only: greenlets cannot switch between threads.
    """

    def __init__(self) -> None:
        """Start empty: nothing ready to run, nothing waiting, and ``self.errors`` an empty list."""
        raise NotImplementedError

    def spawn(self, fn, *args) -> greenlet.greenlet:
        """Create a greenlet that will call ``fn(*args)`` and return it; the hub starts it on
        its next turn (spawn itself never switches).

        If ``fn`` raises, the hub keeps going: it records ``(fn's name, the exception)`` in
        ``self.errors`` and the other greenlets carry on.
        """
        raise NotImplementedError

    def wait_readable(self, sock: socket.socket) -> None:
        """Park the calling greenlet until ``sock`` is readable (data, EOF, a connection to
        accept or an error). Register it, switch to the hub, and unregister once resumed.

        Only greenlets run by the hub may call this: the hub itself has nobody to switch to.
        """
        raise NotImplementedError

    def wait_writable(self, sock: socket.socket) -> None:
        """Park the calling greenlet until ``sock`` has room to send; as ``wait_readable``."""
        raise NotImplementedError

    def stop(self) -> None:
        """Ask ``run()`` to return after the current turn. Call it from a greenlet the hub runs.

        It ends that run only: a later ``run()`` goes on until it is stopped again.
        """
        raise NotImplementedError

    def run(self) -> None:
        """The loop: run every ready greenlet, then wait in ``select`` (no timeout: sleep
        until some socket is ready) and make ready the greenlets whose sockets are.

        Return when ``stop()`` was called or when nothing is left to run or wait for. On the
        way out, unwind every greenlet still parked (``throw`` GreenletExit into it), so
        its ``finally`` blocks run and its sockets get closed.

        The hub can run again after ``run()`` returns: nothing of the last run is left (no
        registration of an unwound greenlet, no stop), so ``spawn`` and ``run()`` work as
        on a new hub.
        """
        raise NotImplementedError


def recv(hub: Hub, sock: socket.socket, bufsize: int) -> bytes:
    """Green ``sock.recv``: return up to ``bufsize`` bytes (b"" at EOF), parking the calling
    greenlet in the hub while nothing has arrived. ``sock`` must be non-blocking."""
    raise NotImplementedError


def sendall(hub: Hub, sock: socket.socket, data: bytes) -> None:
    """Green ``sock.sendall``: send every byte of ``data``, parking the calling greenlet in
    the hub whenever the socket's send buffer is full. ``sock`` must be non-blocking."""
    raise NotImplementedError


class GreenEchoServer:
    """An echo server: one hub in one thread, one greenlet per connection.

    ``hub`` is the Hub that ``serve_forever`` runs (None until it starts).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Bind and listen now, so ``address`` is known at once; create the socketpair
        that ``stop()`` writes to and the hub watches."""
        raise NotImplementedError

    def handle(self, conn: socket.socket) -> None:
        """Serve one connection in its own greenlet: a plain loop of green ``recv`` then
        green ``sendall`` until the client closes (or resets) it; always close ``conn``.

        A reset (``ConnectionError``: the client reset, or hung up mid-echo) ends the
        connection as a close does: ``handle`` returns, so it is no error in ``hub.errors``.
        """
        raise NotImplementedError

    def serve_forever(self) -> None:
        """Run a hub in the calling thread with an accepting greenlet and a greenlet that
        watches the stop socketpair; return after ``stop()``, every socket closed."""
        raise NotImplementedError

    def stop(self) -> None:
        """Make ``serve_forever`` return within moments; safe to call from another thread."""
        raise NotImplementedError
