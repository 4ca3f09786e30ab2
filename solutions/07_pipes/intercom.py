"""07_pipes: talk to a child process over a pipe, and know when the other end is gone.

Reference solution. Every process closes the pipe ends it does not use, so that closing
an end is a message the other side hears: its recv() raises EOFError.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection


def reply(number: int, request: str) -> str:
    """The server's answer to its ``number``-th request (counting from 1). Given; don't change it."""
    return f"{number}: {request.upper()}"


# --- a one-way pipe ---------------------------------------------------------------------


def feed(send_end: Connection, items: list) -> None:
    """Run in the child: send every item, in order, then close ``send_end``.

    Closing is how the child says "that was all": once every copy of the sending end
    is closed, the parent's recv() raises EOFError. Nothing else marks the end, so any
    item, even None, is just an item.
    """
    try:
        for item in items:
            send_end.send(item)
    finally:
        send_end.close()


def collect(items: list) -> list:
    """Have a child send ``items`` to this process over a one-way pipe; return what arrived.

    Make the pipe with ``multiprocessing.Pipe(duplex=False)``, which returns
    ``(receive_end, send_end)`` in that order. Start a child running ``feed`` with the
    send end, then close this process's copy of the send end: while it is open, EOFError
    can never arrive. Receive until EOFError, join the child (so that nothing of it is
    left behind) and return the items, as a list, in the order they came. Read
    everything before you join: a child that is blocked sending into a full pipe cannot
    finish.
    """
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    feeder = multiprocessing.Process(target=feed, args=(send_end, items), name="feeder")
    feeder.start()
    send_end.close()  # the child has its own copy; ours would keep EOF from ever arriving
    received = []
    with receive_end:
        while True:
            try:
                received.append(receive_end.recv())
            except EOFError:  # every copy of the send end is closed: the child is done
                break
    feeder.join()
    return received


# --- a duplex pipe: request and response ------------------------------------------------


def serve(conn: Connection, parent_end: Connection | None = None) -> None:
    """Run in the child: answer every request that arrives on ``conn`` until the other end closes.

    First close ``parent_end`` if it is given: it is the parent's end of the same pipe.
    Under fork the child inherits a copy of it whether you pass it or not, and while
    any copy of the other end is open, recv() never raises EOFError. Then, for each
    request, send back ``reply(number, request)``, numbering the requests from 1. When
    recv() raises EOFError the parent has hung up: close ``conn`` and return normally
    (the child then ends with exit code 0). A ConnectionError from send() or recv()
    (BrokenPipeError, ConnectionResetError) means the same.
    """
    if parent_end is not None:
        parent_end.close()
    number = 0
    with conn:
        while True:
            try:
                request = conn.recv()
                number += 1
                conn.send(reply(number, request))
            except (EOFError, ConnectionError):  # the parent has hung up
                return


class Intercom:
    """A server child at the other end of a duplex pipe: ask it things, then hang up.

    ``process`` is the server's ``multiprocessing.Process``.
    """

    def __init__(self) -> None:
        """Make a duplex ``multiprocessing.Pipe()`` and start a child running ``serve``.

        Keep one end for this process and the child process in ``self.process``. Give the
        child its end and this process's end (so that ``serve`` can close its copy). Once
        the child has started, close this process's copy of the child's end: while it is
        open, the parent cannot notice the server going away.
        """
        self._conn, child_end = multiprocessing.Pipe()
        self.process = multiprocessing.Process(
            target=serve, args=(child_end, self._conn), name="intercom server"
        )
        self.process.start()
        child_end.close()

    def ask(self, request: str, timeout: float = 5.0) -> str:
        """Send ``request`` to the server and return its reply.

        Wait at most ``timeout`` seconds for the reply (``poll(timeout)`` before
        ``recv()``) and raise TimeoutError if none came. If the server is gone, raise
        EOFError: recv() raises it when the other end is closed, but send() or recv()
        may raise a ConnectionError (BrokenPipeError, ConnectionResetError) instead;
        turn that into EOFError.
        """
        try:
            self._conn.send(request)
            if not self._conn.poll(timeout):
                raise TimeoutError(f"the server did not reply within {timeout} s")
            return self._conn.recv()
        except ConnectionError as exc:  # BrokenPipeError, ConnectionResetError
            raise EOFError(f"the server has hung up ({exc})") from exc

    def hang_up(self, timeout: float = 5.0) -> int:
        """Close this process's end, wait for the server to end, and return its exit code.

        Closing the end is the goodbye: the server's recv() raises EOFError and it
        returns. Join the server for at most ``timeout`` seconds. If it is still running
        then, terminate it, join it, and raise TimeoutError.
        """
        self._conn.close()
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
            raise TimeoutError(f"the server was still running {timeout} s after the hang-up")
        return self.process.exitcode
