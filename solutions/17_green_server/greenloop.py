"""17_green_server: how gevent works, built small: a hub, greenlets, and a green echo server.

Reference solution. One OS thread runs a *hub*: a loop that waits in ``select`` for
sockets to become ready and switches to the greenlet waiting for each. Every connection
gets a greenlet of its own whose code reads like plain blocking code (``recv``, then
``sendall``); whenever it would block, it parks itself and switches to the hub instead.
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
        self._ready: deque[greenlet.greenlet] = deque()  # started or resumed on the next turn
        self._readers: dict[socket.socket, greenlet.greenlet] = {}  # who waits to read what
        self._writers: dict[socket.socket, greenlet.greenlet] = {}  # who waits to write what
        self._loop: greenlet.greenlet | None = None  # the greenlet running run()
        self._stopping = False
        self.errors: list[tuple[str, BaseException]] = []  # (task name, exception) per failed task

    def spawn(self, fn, *args) -> greenlet.greenlet:
        """Create a greenlet that will call ``fn(*args)`` and return it; the hub starts it on
        its next turn (spawn itself never switches).

        If ``fn`` raises, the hub keeps going: it records ``(fn's name, the exception)`` in
        ``self.errors`` and the other greenlets carry on.
        """

        def task() -> None:
            try:
                fn(*args)
            except greenlet.GreenletExit:
                pass  # the hub unwound it at the end of run(): not an error
            except Exception as exc:  # one connection's bug must not end everyone's service
                self.errors.append((getattr(fn, "__qualname__", repr(fn)), exc))
            # Returning ends this greenlet; greenlet then switches to its parent: the hub.

        child = greenlet.greenlet(task)
        self._ready.append(child)
        return child

    def wait_readable(self, sock: socket.socket) -> None:
        """Park the calling greenlet until ``sock`` is readable (data, EOF, a connection to
        accept or an error). Register it, switch to the hub, and unregister once resumed.

        Only greenlets run by the hub may call this: the hub itself has nobody to switch to.
        """
        self._park(self._readers, sock)

    def wait_writable(self, sock: socket.socket) -> None:
        """Park the calling greenlet until ``sock`` has room to send; as ``wait_readable``."""
        self._park(self._writers, sock)

    def _park(self, waiting: dict, sock: socket.socket) -> None:
        me = greenlet.getcurrent()
        if self._loop is None or me is self._loop:
            raise RuntimeError("only a greenlet the hub runs can wait; the hub cannot wait for itself")
        if sock in waiting:
            raise RuntimeError(f"another greenlet already waits for {sock!r}")
        waiting[sock] = me
        try:
            self._loop.switch()  # to the hub; it switches back when select says sock is ready
        finally:
            # Unregister however we leave (ready, or unwound by GreenletExit): a stale entry
            # would wake this greenlet later for a socket it no longer waits for.
            waiting.pop(sock, None)

    def stop(self) -> None:
        """Ask ``run()`` to return after the current turn. Call it from a greenlet the hub runs.

        It ends that run only: a later ``run()`` goes on until it is stopped again.
        """
        self._stopping = True

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
        self._loop = greenlet.getcurrent()
        try:
            while not self._stopping:
                while self._ready and not self._stopping:
                    child = self._ready.popleft()
                    child.parent = self._loop  # whoever spawned it, it comes back here
                    child.switch()  # runs until it parks or ends, then we are back
                if self._stopping or not (self._readers or self._writers):
                    break
                readable, writable, _ = select.select(list(self._readers), list(self._writers), [])
                for sock in readable:
                    self._ready.append(self._readers[sock])
                for sock in writable:
                    self._ready.append(self._writers[sock])
        finally:
            for parked in [*self._ready, *self._readers.values(), *self._writers.values()]:
                if not parked.dead:
                    parked.parent = self._loop
                    parked.throw()  # GreenletExit at its switch: its finally blocks run
            self._ready.clear()
            self._loop = None
            self._stopping = False  # the stop ended this run; a later run() goes on


def recv(hub: Hub, sock: socket.socket, bufsize: int) -> bytes:
    """Green ``sock.recv``: return up to ``bufsize`` bytes (b"" at EOF), parking the calling
    greenlet in the hub while nothing has arrived. ``sock`` must be non-blocking."""
    while True:
        try:
            return sock.recv(bufsize)
        except BlockingIOError:
            hub.wait_readable(sock)  # nothing yet: let the others run until there is


def sendall(hub: Hub, sock: socket.socket, data: bytes) -> None:
    """Green ``sock.sendall``: send every byte of ``data``, parking the calling greenlet in
    the hub whenever the socket's send buffer is full. ``sock`` must be non-blocking."""
    view = memoryview(data)
    while view:
        try:
            sent = sock.send(view)
        except BlockingIOError:
            hub.wait_writable(sock)  # the buffer is full: wait until the peer reads some
            continue
        view = view[sent:]  # a partial send is normal: the rest goes on the next try


class GreenEchoServer:
    """An echo server: one hub in one thread, one greenlet per connection.

    ``hub`` is the Hub that ``serve_forever`` runs (None until it starts).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Bind and listen now, so ``address`` is known at once; create the socketpair
        that ``stop()`` writes to and the hub watches."""
        self._listener = socket.create_server((host, port))
        self._listener.setblocking(False)
        self.address = self._listener.getsockname()[:2]
        self._wake_recv, self._wake_send = socket.socketpair()
        self._wake_recv.setblocking(False)
        self._clients: set[socket.socket] = set()
        self.hub: Hub | None = None

    def handle(self, conn: socket.socket) -> None:
        """Serve one connection in its own greenlet: a plain loop of green ``recv`` then
        green ``sendall`` until the client closes (or resets) it; always close ``conn``.

        A reset (``ConnectionError``: the client reset, or hung up mid-echo) ends the
        connection as a close does: ``handle`` returns, so it is no error in ``hub.errors``.
        """
        try:
            while True:
                data = recv(self.hub, conn, 65536)
                if not data:
                    return  # EOF: the client closed its end
                sendall(self.hub, conn, data)
        except ConnectionError:
            pass  # the client reset or went away: only this connection ends
        finally:
            self._clients.discard(conn)
            conn.close()

    def _accept_forever(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except BlockingIOError:
                self.hub.wait_readable(self._listener)
                continue
            conn.setblocking(False)  # accept() hands back a blocking socket: make it green
            self._clients.add(conn)
            self.hub.spawn(self.handle, conn)  # one greenlet per connection

    def _stop_when_asked(self) -> None:
        self.hub.wait_readable(self._wake_recv)  # stop() wrote a byte
        self.hub.stop()

    def serve_forever(self) -> None:
        """Run a hub in the calling thread with an accepting greenlet and a greenlet that
        watches the stop socketpair; return after ``stop()``, every socket closed."""
        self.hub = Hub()
        try:
            self.hub.spawn(self._accept_forever)
            self.hub.spawn(self._stop_when_asked)
            self.hub.run()
        finally:
            for conn in list(self._clients):
                conn.close()
            self._clients.clear()
            for sock in (self._listener, self._wake_recv, self._wake_send):
                sock.close()

    def stop(self) -> None:
        """Make ``serve_forever`` return within moments; safe to call from another thread."""
        try:
            self._wake_send.send(b"x")
        except OSError:
            pass  # already stopped and closed
