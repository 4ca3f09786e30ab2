"""Tests for 16_selectors. Run them with:  pytest exercises/16_selectors

Each test runs the learner's EchoServer in a thread (``running``) and talks to it with
plain blocking clients whose every wait is bounded by a socket timeout, so a wrong
server fails the test within about a second instead of hanging it. Every client socket
is closed when the test ends, pass or fail, and ``running`` stops the server and checks
that serve_forever returned.
"""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import struct
import threading
import time

import pytest

from kata import implementation

epollserver = implementation("epollserver")

SOON = 1.0  # seconds a client waits for an echo that should come at once
STOP_WITHIN = 1.0  # seconds serve_forever may take to return after stop()
CROWD = 2000  # clients connected at once in the big test: far past select's 1024
BATCH = 100  # the crowd connects this many at a time (a listen backlog holds them)
FDS_NEEDED = 2 * CROWD + 200  # both ends of every connection live in this process

CROWD_HINT = (
    "Every client that connects must be accepted (accept in a loop until "
    "BlockingIOError), registered with the selector, and served while all the others "
    "stay connected."
)
FD_SETSIZE_LESSON = (
    "select.select() cannot watch a descriptor numbered 1024 or above (its bit sets have "
    "FD_SETSIZE = 1024 bits), so once the process holds that many it raises ValueError. "
    "Use selectors.DefaultSelector(), which is epoll on Linux and has no such limit."
)


# --- helpers -----------------------------------------------------------------------------


class Handle:
    """A server running in a thread: its address, its thread, what ended it."""

    def __init__(self, server):
        self.server = server
        self.address = tuple(server.address)[:2]
        self.native_id = None
        self.error: BaseException | None = None
        self.started = threading.Event()
        self.thread = threading.Thread(target=self._serve, name="serve_forever", daemon=True)

    def _serve(self):
        self.native_id = threading.get_native_id()
        self.started.set()
        try:
            self.server.serve_forever()
        except BaseException as exc:  # shown by the test that notices, see died()
            self.error = exc

    def cpu_seconds(self) -> float:
        """CPU time the serving thread has used so far (user + system), from /proc."""
        with open(f"/proc/self/task/{self.native_id}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def settled(self, seconds: float = 0.5) -> None:
        """Wait (a bounded while) until the serving thread sleeps in a system call.

        An idle server sleeps in epoll_wait (or select, poll, recv); one waiting for the
        interpreter's lock sleeps in a futex, and one at work does not sleep at all. Read
        from /proc, so it tells where the thread is without stopping it. On a system
        without /proc/<pid>/task/<tid>/wchan this returns at once.
        """
        deadline = time.monotonic() + seconds
        path = f"/proc/self/task/{self.native_id}/wchan"
        while self.thread.is_alive() and time.monotonic() < deadline:
            try:
                with open(path) as wchan:
                    where = wchan.read().strip()
            except OSError:
                return
            if where not in ("", "0") and "futex" not in where:
                return
            time.sleep(0.005)

    def died(self) -> str:
        """A sentence about how serve_forever ended early, or '' while it still runs.

        Called when a client saw something go wrong: a server that is failing gets a
        moment to finish failing (its sockets may close before its thread ends).
        """
        self.thread.join(0.2)
        if self.thread.is_alive():
            return ""
        if self.error is None:
            return "serve_forever returned although nobody called stop(). "
        if isinstance(self.error, NotImplementedError):
            raise self.error  # the stub: shown as a one-line TODO
        ended = f"serve_forever ended with {type(self.error).__name__}: {self.error}. "
        if isinstance(self.error, ValueError) and "select" in str(self.error):
            ended += FD_SETSIZE_LESSON + " "
        return ended


_stop_missed: list[Handle] = []  # servers that did not stop when asked, in this run


def _nudge(handle) -> None:
    """A connection that comes and goes: wakes a server stuck in select() so it can end."""
    with contextlib.suppress(OSError):
        socket.create_connection(handle.address, timeout=0.2).close()
    handle.thread.join(0.2)


@contextlib.contextmanager
def running(server):
    """Serve `server` in a thread; on the way out stop it and check that it stopped."""
    handle = Handle(server)
    handle.thread.start()
    handle.started.wait(SOON)
    try:
        yield handle
    finally:
        # Stop an idle server, as a server is usually stopped: not one still at work on the
        # last reply, which would notice a stop flag on its own.
        handle.settled()
        stop_error = None
        try:
            server.stop()
        except BaseException as exc:
            stop_error = exc
        # Once a stop() has been seen not to work, later tests need not wait as long.
        patience = 0.3 if _stop_missed else STOP_WITHIN
        handle.thread.join(patience)
        if stop_error is not None and not isinstance(stop_error, NotImplementedError):
            raise stop_error
        if handle.thread.is_alive():
            _stop_missed.append(handle)
            _nudge(handle)
            pytest.fail(
                f"serve_forever did not return within {patience:g} s of stop(). stop() "
                "must wake the selector at once: write a byte into a socketpair whose other "
                "end is registered for EVENT_READ, and let serve_forever end its loop when "
                "that end becomes readable. (A select() timeout that polls a flag is slow.)",
                pytrace=False,
            )


@contextlib.contextmanager
def clients():
    """A list to put client sockets in; every one of them is closed afterwards."""
    opened: list[socket.socket] = []
    try:
        yield opened
    finally:
        for sock in opened:
            sock.close()


def connect(handle, opened, *, rcvbuf=None):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    opened.append(sock)
    sock.settimeout(SOON)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    try:
        sock.connect(handle.address)
        return sock
    except OSError as exc:
        failed = repr(exc)
    died = handle.died()
    if died:
        pytest.fail(f"{died}(A client then failed to connect: {failed}.)", pytrace=False)
    pytest.fail(
        f"Connecting a client failed: {failed}. The server should listen from its "
        "constructor on, with a backlog big enough for many clients at once "
        "(listen(socket.SOMAXCONN)), and accept every client that is waiting.",
        pytrace=False,
    )


def receive(handle, sock, size, what, hint=""):
    """Exactly `size` bytes from `sock`, or fail saying what was missing.

    `what` says what the client did: a string, or a function that writes it (called only
    on failure, when writing it costs something).
    """
    data = bytearray()
    while len(data) < size:
        failed = None
        try:
            chunk = sock.recv(min(size - len(data), 1 << 16))
        except socket.timeout:
            chunk = None
        except OSError as exc:
            failed = repr(exc)
        if failed:
            what = what() if callable(what) else what
            pytest.fail(
                f"{handle.died()}{what}: the connection failed with {failed}. {hint}",
                pytrace=False,
            )
        if not chunk:
            what = what() if callable(what) else what
            happened = "nothing more came within %g s" % SOON if chunk is None else "the server closed the connection"
            pytest.fail(
                f"{handle.died()}{what}: {len(data)} of {size} bytes came back, then "
                f"{happened}. {hint}",
                pytrace=False,
            )
        data += chunk
    return bytes(data)


def echo(handle, sock, message, what, hint=""):
    try:
        sock.sendall(message)
    except OSError as exc:
        failed = repr(exc)
    else:
        failed = None
    if failed:
        pytest.fail(f"{handle.died()}{what}: sending failed with {failed}. {hint}", pytrace=False)
    got = receive(handle, sock, len(message), what, hint)
    assert got == message, f"{what}: sent {message!r}, got back {got!r}. {hint}"


def open_descriptors() -> int:
    """How many descriptors this process has open (both ends of every connection)."""
    return len(os.listdir("/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"))


def wait_until(condition, seconds=SOON):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def enough_descriptors():
    """Raise this process's soft limit on open files to FDS_NEEDED where the hard limit allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < FDS_NEEDED:
        if hard != resource.RLIM_INFINITY and hard < FDS_NEEDED:
            pytest.skip(
                f"this test opens {FDS_NEEDED} descriptors and the hard limit on open files "
                f"(ulimit -Hn) is {hard}; an administrator can raise it"
            )
        resource.setrlimit(resource.RLIMIT_NOFILE, (FDS_NEEDED, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


# --- the tests ---------------------------------------------------------------------------


def test_echoes_what_a_client_sends():
    with running(epollserver.EchoServer()) as handle, clients() as opened:
        sock = connect(handle, opened)
        for message in (b"hello", b"selectors", b"x" * 1000):
            echo(handle, sock, message, f"a client sent {message[:20]!r}")


def test_serves_many_clients_at_once():
    count = 50
    with running(epollserver.EchoServer()) as handle, clients() as opened:
        socks = [connect(handle, opened) for _ in range(count)]
        # The last to connect speaks first: a server that serves one client until it
        # leaves is still waiting for the first.
        for round_ in range(2):
            for index in reversed(range(count)):
                echo(
                    handle, socks[index], b"client %d round %d;" % (index, round_),
                    f"{count} clients were connected at once and client {index} (of 0..{count - 1}) spoke",
                    hint=(
                        "Every client must be served while the others stay connected: register "
                        "each accepted socket with the selector and go back to select(); never "
                        "block on one client's recv()."
                    ),
                )  # fmt: skip


def test_a_large_message_comes_back_whole():
    size = 8 << 20  # more than the most a socket's send buffer grows to here (4 MiB)
    message = bytes(range(256)) * (size // 256)
    with running(epollserver.EchoServer()) as handle, clients() as opened:
        # A small receive buffer and a reader that starts only once everything is sent:
        # the echo piles up in the server faster than its socket takes it, so the
        # server's send() takes only part of what is pending, again and again. (A server
        # that stops reading while output is pending is right too: then the sender
        # stalls, and the reader starts after a moment.)
        sock = connect(handle, opened, rcvbuf=4096)
        sender = threading.Thread(target=_send_quietly, args=(sock, message), daemon=True)
        sender.start()
        try:
            sender.join(SOON)
            got = receive(
                handle, sock, size,
                "a client sent 8 MiB while reading slowly; the echo was cut short",
            )  # fmt: skip
        finally:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # ends the sender, if it still runs
            sender.join(SOON)
    if got != message:
        where = next(i for i, (x, y) in enumerate(zip(got, message)) if x != y)
        pytest.fail(
            f"8 MiB came back, but it differs from what was sent from byte {where} on: bytes "
            "were reordered or repeated. Keep one buffer of pending output per client; send "
            "from its front and delete exactly the bytes send() returned.",
            pytrace=False,
        )


def _send_quietly(sock, message, seconds=3 * SOON):
    """Send all of `message` unless `seconds` pass; a stall while nobody reads is allowed."""
    view, deadline = memoryview(message), time.monotonic() + seconds
    while view and time.monotonic() < deadline:
        try:
            view = view[sock.send(view) :]
        except socket.timeout:
            continue  # nothing was sent; the server may be waiting for us to read
        except OSError:
            return


def test_a_client_that_resets_does_not_disturb_the_others():
    with running(epollserver.EchoServer()) as handle, clients() as opened:
        others = [connect(handle, opened) for _ in range(3)]
        for sock in others:
            echo(handle, sock, b"before", "a client spoke")
        for _ in range(3):
            rude = connect(handle, opened)
            echo(handle, rude, b"bye", "a client spoke")
            rude.sendall(b"unanswered")
            # Linger 0: close() sends a reset, and the server's next recv or send on this
            # connection raises ConnectionResetError.
            rude.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            rude.close()
        for sock in others:
            echo(
                handle, sock, b"after", "after another client reset its connection, a client spoke",
                hint=(
                    "A client that resets its connection makes recv() or send() raise "
                    "ConnectionResetError (an OSError). Catch it, unregister and close that "
                    "client, and go on serving the others."
                ),
            )  # fmt: skip


def test_clients_that_leave_are_unregistered_and_closed():
    with running(epollserver.EchoServer()) as handle, clients() as opened:
        baseline = open_descriptors()
        for index in range(30):
            # One at a time: the numbers the last client's sockets had are free again and
            # come back at once, to the next client and the next accepted socket.
            with clients() as one:
                sock = connect(handle, one)
                echo(
                    handle, sock, b"visitor %d" % index,
                    f"client {index} connected after {index} others had come and left, and spoke",
                    hint=(
                        "When a client leaves (recv() returns b''), unregister its socket from "
                        "the selector, then close it. A socket closed but still registered "
                        "keeps its number in the selector's map, and registering the next "
                        "socket that gets that number raises KeyError."
                    ),
                )  # fmt: skip
        closed = wait_until(lambda: open_descriptors() <= baseline)
        assert closed, (
            f"{handle.died()}30 clients connected and left; {SOON:g} s later this process still "
            f"has {open_descriptors() - baseline} more descriptors open than before they came. "
            "When recv() returns b'' the client has gone: unregister its socket and close it, "
            "or the server keeps one descriptor per departed client (and a selector that still "
            "watches a closed connection finds it readable on every turn)."
        )


def test_an_idle_server_burns_no_cpu():
    window = 0.2
    if not os.path.isdir("/proc/self/task"):
        pytest.skip("reading one thread's CPU time needs Linux's /proc/self/task")
    with running(epollserver.EchoServer()) as handle, clients() as opened:
        socks = [connect(handle, opened) for _ in range(5)]
        for sock in socks:
            echo(handle, sock, b"ping", "a client spoke")
        before, started = handle.cpu_seconds(), time.monotonic()
        # Nothing to do: every client is connected and quiet, nothing is pending.
        time.sleep(window)
        used, elapsed = handle.cpu_seconds() - before, time.monotonic() - started
        assert handle.thread.is_alive(), handle.died()
    share = used / elapsed
    assert share < 0.15, (
        f"with 5 idle clients and nothing to send, the serving thread used {used:.2f} s of "
        f"CPU in {elapsed:.2f} s ({share:.0%} of a core):\n"
        f"  0.00 s  all 5 clients echoed, then quiet\n"
        f"  {elapsed:.2f} s  serving thread busy {share:.0%} of the time, expected ~0%\n"
        "select() is returning at once, over and over: something is registered for an event "
        "that is always there. A socket is almost always writable, so watch EVENT_WRITE only "
        "while a client has pending output, and modify() it back to EVENT_READ once that "
        "output is sent. (A select() timeout of 0 spins the same way.)"
    )


def test_one_thread_serves_every_client():
    with running(epollserver.EchoServer()) as handle, clients() as opened:
        before = {t.ident for t in threading.enumerate()}
        socks = [connect(handle, opened) for _ in range(20)]
        for sock in socks:
            echo(handle, sock, b"who serves me?", "a client spoke")
        during = [t for t in threading.enumerate() if t.ident not in before]
        assert not during, (
            f"while 20 clients were connected, {len(during)} new threads were running "
            f"({', '.join(sorted({t.name for t in during})[:5])} ...). This exercise serves "
            "every client from the one thread that runs serve_forever: the selector tells it "
            "which sockets are ready, so nothing ever has to wait in a thread of its own."
        )


def test_two_thousand_clients_at_once(enough_descriptors):
    with running(epollserver.EchoServer()) as handle, clients() as opened:
        socks = []
        for start in range(0, CROWD, BATCH):
            batch = [connect(handle, opened) for _ in range(BATCH)]
            socks += batch
            for index, sock in enumerate(batch, start):
                sock.sendall(b"%06d" % index)
            for index, sock in enumerate(batch, start):
                got = receive(handle, sock, 6, lambda: _crowd_failure(handle, index, socks), CROWD_HINT)
                assert got == b"%06d" % index, f"client {index} got {got!r}, not its own bytes"
        highest = max(sock.fileno() for sock in socks)
        assert highest > 1024, f"the test meant to use descriptors past 1024; the highest was {highest}"
        # All of them still connected: every tenth speaks once more, the earliest too.
        again = sorted(set(range(0, CROWD, 10)) | set(range(5)))
        for index in again:
            socks[index].sendall(b"again%06d" % index)
        for index in again:
            sock = socks[index]
            got = receive(handle, sock, 11, lambda: _crowd_failure(handle, index, socks), CROWD_HINT)
            assert got == b"again%06d" % index, f"client {index} got {got!r}, not its own bytes"


def _crowd_failure(handle, index, socks):
    return (
        f"{len(socks)} clients were connected at once (descriptors up to "
        f"{max(s.fileno() for s in socks)} in this process) and client {index} spoke"
    )


def test_stop_ends_serve_forever_and_closes_every_socket():
    with clients() as opened:
        baseline = open_descriptors()
        server = epollserver.EchoServer()
        with running(server) as handle:
            socks = [connect(handle, opened) for _ in range(5)]
            for sock in socks:
                echo(handle, sock, b"still here", "a client spoke")
        # running() has called stop() and seen serve_forever return.
        left = open_descriptors() - baseline - len(socks)
        assert left <= 0, (
            f"serve_forever returned after stop(), but the server left {left} descriptors "
            "open: its listening socket, its wake-up sockets, its clients' sockets or the "
            "selector itself. On the way out of serve_forever (a finally: block) close every "
            "socket in the selector's map, the other end of the wake-up pair, and the selector."
        )
        for sock in socks:
            sock.settimeout(SOON)
            try:
                data = sock.recv(10)
            except OSError:
                data = b""
            assert data == b"", f"after stop() a client still got {data!r}; its connection should be closed"
