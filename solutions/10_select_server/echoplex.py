"""10_select_server: an echo server on ``select.select``, serving many clients from one thread.

Reference solution. Every turn of the loop hands ``select.select`` three lists built
afresh from what the server knows:

- read:        the listener, the wake-up socket and every client (always ready to hear);
- write:       only the clients that have bytes waiting to go back (a socket is writable
               almost always, so asking about the others would wake select at once);
- exceptional: every client (on TCP this reports urgent, "out-of-band", data).

Each connection keeps a queue of the chunks it still has to echo; ``send`` may take only
part of a chunk, and the rest stays at the front of the queue for the next turn.
"""

from __future__ import annotations

import collections
import select
import socket


class Connection:
    """What the server remembers about one client: its socket and the bytes still to echo."""

    def __init__(self, sock: socket.socket) -> None:
        """Keep the client's socket; start with an empty queue of pending chunks."""
        self.sock = sock
        self.pending: collections.deque[bytes] = collections.deque()  # oldest chunk first
        self.ended = False  # the client shut down its sending side: read no more


class EchoServer:
    """An echo server: whatever a client sends comes back to that client, in order.

    One thread runs ``serve_forever``; ``select.select`` tells it which sockets are
    ready, so no call ever blocks on one client while the others wait.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on (host, port) without blocking, and make the wake-up socketpair for stop()."""
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((host, port))
        self._listener.listen(socket.SOMAXCONN)  # many clients may knock at once
        self._listener.setblocking(False)  # accept() must never wait
        # stop() writes a byte into one end; the other end is in select's read list.
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_reader.setblocking(False)
        self._connections: dict[socket.socket, Connection] = {}

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) clients connect to."""
        return self._listener.getsockname()

    def serve_forever(self) -> None:
        """Serve until ``stop()`` is called; then close every socket the server opened.

        Each turn builds the three lists, sleeps in select() (no timeout: it returns only
        when something is ready), then accepts, reads, writes and handles urgent data.
        """
        try:
            while True:
                clients = list(self._connections)
                # A client whose input has ended is readable for ever: ask only about the rest.
                hearing = [c.sock for c in self._connections.values() if not c.ended]
                waiting = [c.sock for c in self._connections.values() if c.pending]
                readable, writable, exceptional = select.select(
                    [self._listener, self._wake_reader, *hearing], waiting, clients
                )
                if self._wake_reader in readable:
                    return  # stop() was called: the finally block closes everything
                for sock in readable:
                    if sock is self._listener:
                        self._accept()
                    elif sock in self._connections:
                        self._read(self._connections[sock])
                # A connection closed above is no longer in the dict: skip it below.
                for sock in writable:
                    if sock in self._connections:
                        self._write(self._connections[sock])
                for sock in exceptional:
                    if sock in self._connections:
                        self._urgent(self._connections[sock])
        finally:
            self._close_everything()

    def stop(self) -> None:
        """Make ``serve_forever`` return within moments; safe to call from any thread."""
        try:
            self._wake_writer.send(b"x")
        except OSError:
            pass  # already stopped and closed

    def _accept(self) -> None:
        """Accept every client that is waiting; each gets a non-blocking socket and a Connection."""
        while True:
            try:
                sock, _ = self._listener.accept()
            except BlockingIOError:
                return  # nobody else is waiting
            except OSError:
                return  # the client gave up before we got to it (or out of descriptors)
            sock.setblocking(False)
            self._connections[sock] = Connection(sock)

    def _read(self, conn: Connection) -> None:
        """Receive what the client sent and queue it to be echoed.

        On an error, close. On end of input (b""), stop reading this client and close it
        once its pending echo is sent (at once when nothing is pending).
        """
        try:
            data = conn.sock.recv(65536)
        except BlockingIOError:
            return  # nothing after all
        except OSError:  # ConnectionResetError and friends: this client is gone
            self._close(conn)
            return
        if not data:  # b"": the client closed its end; what it is owed still goes back
            conn.ended = True
            if not conn.pending:
                self._close(conn)
            return
        conn.pending.append(data)  # from now on it is in the write list

    def _write(self, conn: Connection) -> None:
        """Send pending chunks while the socket takes them; keep any unsent tail in front.

        Once everything is sent to a client whose input has ended, close it.
        """
        while conn.pending:
            chunk = conn.pending[0]
            try:
                sent = conn.sock.send(chunk)
            except BlockingIOError:
                return  # the send buffer is full: wait for the next writable turn
            except OSError:
                self._close(conn)
                return
            if sent < len(chunk):
                conn.pending[0] = chunk[sent:]  # a partial send: the rest goes next time
                return
            conn.pending.popleft()
        if conn.ended:  # all sent, and nothing more will come
            self._close(conn)

    def _urgent(self, conn: Connection) -> None:
        """The client sent urgent (out-of-band) data: read it off, or the condition stays.

        An echo server has no use for urgent data, so the byte is dropped. Select is
        level-triggered: left unread, the socket would be reported exceptional on every
        call and the loop would spin.
        """
        try:
            conn.sock.recv(1, socket.MSG_OOB)
        except BlockingIOError:
            return
        except OSError:  # nothing urgent to read after all, or the connection broke
            self._close(conn)

    def _close(self, conn: Connection) -> None:
        """Forget the client (it leaves all three lists), then close its socket."""
        del self._connections[conn.sock]
        conn.sock.close()

    def _close_everything(self) -> None:
        """Close every client, the listener and both ends of the wake-up pair."""
        for conn in list(self._connections.values()):
            self._close(conn)
        self._listener.close()
        self._wake_reader.close()
        self._wake_writer.close()
