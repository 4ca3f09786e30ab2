"""Probes for 07_pipes: objects the tests send through the learner's pipes.

- ``Parcel``: an item for ``collect``. Each time it is pickled to cross a pipe it notes
  which process sent it and whether the connection it was sent on could also receive
  (a duplex pipe) or not (the sending end of a one-way pipe). So a test can tell that
  the items really came from a child, over a one-way pipe.
- ``Stall``: a request for the server that keeps it busy: ``reply()`` calls the
  request's ``upper()``, and a Stall's ``upper()`` sleeps for as many seconds as the
  Stall says. The tests use it to see that ``ask`` and ``hang_up`` give up in time.
- ``Hold``: a request that keeps the server's process from ending until the test lets
  it, so a test can tell a ``hang_up`` that waits for the server from one that does not.
"""

from __future__ import annotations

import os
import sys
import threading
import time


def _sending_connection():
    """The multiprocessing Connection whose send() is pickling us right now, if any."""
    frame = sys._getframe(2)
    for _ in range(10):
        if frame is None:
            return None
        if frame.f_code.co_name == "send":
            conn = frame.f_locals.get("self")
            if hasattr(conn, "readable") and hasattr(conn, "writable"):
                return conn
        frame = frame.f_back
    return None


class Parcel:
    """An item that remembers who sent it across a pipe, and over what kind of end."""

    def __init__(self, value, payload: bytes = b"", sent_by: int | None = None, duplex: bool | None = None):
        self.value = value
        self.payload = payload
        self.sent_by = sent_by  # pid of the process that last sent it through a Connection
        self.duplex = duplex  # was that Connection able to receive as well? (None: not sent yet)

    def __reduce__(self):
        conn = _sending_connection()
        if conn is None:  # pickled for another reason (say, a spawn child's arguments)
            return (Parcel, (self.value, self.payload, self.sent_by, self.duplex))
        return (Parcel, (self.value, self.payload, os.getpid(), bool(conn.readable)))

    def __repr__(self):
        return f"Parcel({self.value!r})"


class Stall(str):
    """A request whose upper() takes as many seconds as the string says: Stall("60")."""

    def upper(self):
        time.sleep(float(self))
        return "STALLED"


class Hold(str):
    """A request that keeps the server's process from ending until a file exists.

    When it is unpickled (in the server, which received it), it starts a non-daemon
    thread that waits for ``release_path`` to exist (at most 10 s). A process waits for
    its non-daemon threads before it ends, so the server cannot exit until the test
    creates that file. The test creates it once ``hang_up`` is waiting for the server:
    a ``hang_up`` that does not wait sees a server that has not ended.
    """

    def __new__(cls, text: str, release_path: str):
        held = super().__new__(cls, text)
        held.release_path = release_path
        return held

    def __reduce__(self):
        return (_arrive, (str(self), self.release_path))


def _arrive(text: str, release_path: str) -> Hold:
    threading.Thread(
        target=_wait_for_file, args=(release_path,), name="kata: holding the server open",
        daemon=False,  # inherited otherwise, and a fork in a daemon thread would make it one
    ).start()
    return Hold(text, release_path)


def _wait_for_file(path: str, limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.005)
