"""What ``python -m benchmarks`` runs in child processes: kept to the standard library, so
that a child started by spawn or forkserver imports little more than the interpreter.

- ``noop``: the target of the start-up row (a process that does nothing).
- ``queue_echo`` and ``pipe_echo``: the far end of the hand-off row's round trips.
- ``echo_clients``: the client process of the echo-server row. It drives every
  connection from one thread with a selector (epoll on Linux), the same for every server.
"""

from __future__ import annotations

import resource
import selectors
import socket
import time


def noop() -> None:
    """Do nothing: whatever a start costs is the start's own cost."""


def queue_echo(inbox, outbox) -> None:
    """Send back every item from `inbox` on `outbox`, until None."""
    while True:
        item = inbox.get()
        if item is None:
            return
        outbox.put(item)


def pipe_echo(conn) -> None:
    """Send back every message that arrives on `conn`, until None."""
    try:
        while True:
            item = conn.recv()
            if item is None:
                return
            conn.send(item)
    finally:
        conn.close()


def raise_nofile(wanted: int = 65536) -> int:
    """Raise the soft RLIMIT_NOFILE as far as the hard limit allows; return the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted
    if target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


def echo_clients(conn) -> None:
    """The client process: for each (address, connections, seconds, size, active) that arrives on
    `conn`, run ``drive`` and send back its result (a dict); stop at None."""
    raise_nofile()
    try:
        while True:
            job = conn.recv()
            if job is None:
                return
            try:
                result = drive(*job)
            except Exception as exc:  # reported in the table, not a crash of the whole run
                result = {"error": f"{type(exc).__name__}: {exc}"}
            conn.send(result)
    finally:
        conn.close()


def drive(address, connections: int, seconds: float, size: int, active: int | None = None) -> dict:
    """Open `connections` clients to `address`; each sends `size` bytes, waits for all of
    them to come back, and sends again (one message in flight per connection). After one
    warm-up echo on every connection, count the echoes completed in `seconds`. With
    `active`, only that many connections go on sending after the warm-up; the rest stay
    open and idle, as most of a busy server's clients are at any moment."""
    message = b"m" * size
    selector = selectors.DefaultSelector()
    socks: list[socket.socket] = []
    try:
        for _ in range(connections):
            sock = socket.create_connection(address, timeout=10)
            socks.append(sock)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setblocking(False)
        received = {}
        for sock in socks:
            received[sock] = 0
            selector.register(sock, selectors.EVENT_READ)
            sock.send(message)
        # Warm-up: every connection accepted, served and echoed once.
        warm, deadline = 0, time.monotonic() + 20
        while warm < connections:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {warm} of {connections} connections echoed in 20 s")
            for key, _ in selector.select(timeout=1):
                data = key.fileobj.recv(65536)
                if not data:
                    raise ConnectionError("the server closed a connection")
                received[key.fileobj] += len(data)
                if received[key.fileobj] == size:
                    received[key.fileobj] = 0
                    warm += 1
        count = 0
        cpu = time.process_time()
        started = time.perf_counter()
        stop = started + seconds
        for sock in socks[: active or connections]:
            sock.send(message)
        while True:
            now = time.perf_counter()
            if now >= stop:
                break
            for key, _ in selector.select(timeout=stop - now):
                sock = key.fileobj
                data = sock.recv(65536)
                if not data:
                    raise ConnectionError("the server closed a connection")
                received[sock] += len(data)
                if received[sock] >= size:  # one message in flight: never more than size
                    received[sock] = 0
                    count += 1
                    sock.send(message)  # a small send into an empty buffer: never partial
        elapsed = time.perf_counter() - started
        return {
            "messages": count, "seconds": elapsed,
            "client_cpu": (time.process_time() - cpu) / elapsed,
        }  # fmt: skip
    finally:
        selector.close()
        for sock in socks:
            sock.close()
