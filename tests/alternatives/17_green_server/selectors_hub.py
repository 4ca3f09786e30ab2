"""A correct green server written another way: the hub waits with ``selectors`` (epoll)
instead of ``select.select``, a waiting greenlet tells the hub what it waits for by
passing it in the switch, the hub's loop is a greenlet of its own (created lazily), and
the server keeps its connections' greenlets and kills them itself when stopping. Each
run() has a selector of its own, closed when it returns.
"""

from __future__ import annotations

import selectors
import socket
from collections import deque

import greenlet


class Hub:
    """A tiny greenlet scheduler that waits for sockets with ``select``.

    Use it from one thread only: greenlets cannot switch between threads.
    """

    def __init__(self) -> None:
        """Start empty: nothing ready to run, nothing waiting, and ``self.errors`` an empty list."""
        self.errors = []
        self._selector = None  # one per run(), closed when it returns
        self._runnable = deque()
        self._halt = False
        self._loop_greenlet = None

    def spawn(self, fn, *args) -> greenlet.greenlet:
        """Create a greenlet that will call ``fn(*args)`` and return it; the hub starts it on
        its next turn (spawn itself never switches).

        If ``fn`` raises, the hub keeps going: it records ``(fn's name, the exception)`` in
        ``self.errors`` and the other greenlets carry on.
        """

        def body():
            try:
                fn(*args)
            except greenlet.GreenletExit:
                return
            except BaseException as exc:
                self.errors.append((getattr(fn, "__name__", "task"), exc))

        g = greenlet.greenlet(body)
        self._runnable.append(g)
        return g

    def _wait(self, sock, event) -> None:
        if self._loop_greenlet is None or greenlet.getcurrent() is self._loop_greenlet:
            raise RuntimeError("wait from a greenlet the hub runs")
        self._selector.register(sock, event, greenlet.getcurrent())
        try:
            self._loop_greenlet.switch()
        finally:
            self._selector.unregister(sock)

    def wait_readable(self, sock: socket.socket) -> None:
        """Park the calling greenlet until ``sock`` is readable (data, EOF, a connection to
        accept or an error). Register it, switch to the hub, and unregister once resumed.

        Only greenlets run by the hub may call this: the hub itself has nobody to switch to.
        """
        self._wait(sock, selectors.EVENT_READ)

    def wait_writable(self, sock: socket.socket) -> None:
        """Park the calling greenlet until ``sock`` has room to send; as ``wait_readable``."""
        self._wait(sock, selectors.EVENT_WRITE)

    def stop(self) -> None:
        """Ask ``run()`` to return after the current turn. Call it from a greenlet the hub runs.

        It ends that run only: a later ``run()`` goes on until it is stopped again.
        """
        self._halt = True

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
        self._loop_greenlet = greenlet.getcurrent()
        self._selector = selectors.DefaultSelector()
        try:
            while True:
                while self._runnable and not self._halt:
                    g = self._runnable.popleft()
                    g.parent = self._loop_greenlet
                    g.switch()
                if self._halt or not self._selector.get_map():
                    return
                for key, _ in self._selector.select():
                    self._runnable.append(key.data)
        finally:
            parked = [key.data for key in list(self._selector.get_map().values())]
            for g in parked + list(self._runnable):
                if g:
                    g.parent = self._loop_greenlet
                    g.throw(greenlet.GreenletExit)
            self._runnable.clear()
            self._selector.close()
            self._loop_greenlet = None
            self._halt = False


def recv(hub: Hub, sock: socket.socket, bufsize: int) -> bytes:
    """Green ``sock.recv``: return up to ``bufsize`` bytes (b"" at EOF), parking the calling
    greenlet in the hub while nothing has arrived. ``sock`` must be non-blocking."""
    hub.wait_readable(sock)  # always wait first: simpler, one extra turn at most
    return sock.recv(bufsize)


def sendall(hub: Hub, sock: socket.socket, data: bytes) -> None:
    """Green ``sock.sendall``: send every byte of ``data``, parking the calling greenlet in
    the hub whenever the socket's send buffer is full. ``sock`` must be non-blocking."""
    remaining = bytes(data)
    while remaining:
        hub.wait_writable(sock)
        remaining = remaining[sock.send(remaining):]


class GreenEchoServer:
    """An echo server: one hub in one thread, one greenlet per connection.

    ``hub`` is the Hub that ``serve_forever`` runs (None until it starts).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Bind and listen now, so ``address`` is known at once; create the socketpair
        that ``stop()`` writes to and the hub watches."""
        self._server = socket.socket()
        self._server.bind((host, port))
        self._server.listen(128)
        self._server.setblocking(False)
        self.address = self._server.getsockname()
        self._stop_r, self._stop_w = socket.socketpair()
        self._stop_r.setblocking(False)
        self._connections = {}
        self.hub = None

    def handle(self, conn: socket.socket) -> None:
        """Serve one connection in its own greenlet: a plain loop of green ``recv`` then
        green ``sendall`` until the client closes (or resets) it; always close ``conn``.

        A reset (``ConnectionError``: the client reset, or hung up mid-echo) ends the
        connection as a close does: ``handle`` returns, so it is no error in ``hub.errors``.
        """
        with conn:
            try:
                while data := recv(self.hub, conn, 32768):
                    sendall(self.hub, conn, data)
            except OSError:
                pass
        self._connections.pop(conn, None)

    def _acceptor(self):
        while True:
            self.hub.wait_readable(self._server)
            try:
                conn, _ = self._server.accept()
            except BlockingIOError:
                continue
            conn.setblocking(False)
            self._connections[conn] = self.hub.spawn(self.handle, conn)

    def _watcher(self):
        self.hub.wait_readable(self._stop_r)
        self.hub.stop()

    def serve_forever(self) -> None:
        """Run a hub in the calling thread with an accepting greenlet and a greenlet that
        watches the stop socketpair; return after ``stop()``, every socket closed."""
        self.hub = Hub()
        self.hub.spawn(self._acceptor)
        self.hub.spawn(self._watcher)
        try:
            self.hub.run()
        finally:
            for conn in list(self._connections):
                conn.close()
            self._server.close()
            self._stop_r.close()
            self._stop_w.close()

    def stop(self) -> None:
        """Make ``serve_forever`` return within moments; safe to call from another thread."""
        try:
            self._stop_w.send(b"\0")
        except OSError:
            pass
