"""Tests for 16_selectors. Run them with:  pytest exercises/16_selectors

Each test runs the learner's EchoServer in a thread (``echo.running``) and talks to it
with plain blocking clients whose every wait is bounded by a socket timeout, so a wrong
server fails the test within about a second instead of hanging it. Every client socket
is closed when the test ends, pass or fail, and ``running`` stops the server and checks
that serve_forever returned. The shared echo-server checks live in kata/echo.py; the
words below are this exercise's own: what to do with a selector.
"""

from __future__ import annotations

import errno
import warnings

import pytest

from kata import echo, implementation
from kata import platform as facilities  # what this system offers

epollserver = implementation("epollserver")

CROWD = 2000  # clients connected at once in the big test: far past select's 1024
BATCH = 100  # the crowd connects this many at a time (a listen backlog holds them)
SPARE_FDS = 200  # descriptors beside the crowd's: pytest's, the server's, its selector's
FDS_NEEDED = 2 * CROWD + SPARE_FDS  # both ends of every connection live in this process
SELECTOR_SPARE = 12  # sockets a select()-based selector watches beside the crowd's

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
STOP_HINT = (
    "stop() must wake the selector at once: write a byte into a socketpair whose other end "
    "is registered for EVENT_READ, and let serve_forever end its loop when that end becomes "
    "readable. (A select() timeout that polls a flag is slow.)"
)


CLOSED_LESSON = (
    "The selector was asked about a socket that is already closed: a client closed but "
    "still registered. A select()-based selector (Windows' DefaultSelector) fails on it; "
    "epoll forgets it quietly, and its number, reused, cannot be registered again. When "
    "a client leaves, unregister its socket from the selector first, then close it."
)


def lesson(error: BaseException) -> str:
    """This exercise's words about a crash: select.select past FD_SETSIZE, or a closed
    socket still registered (select() on it fails: EBADF here, WinError 10038 on Windows)."""
    if isinstance(error, ValueError) and "select" in str(error):
        return FD_SETSIZE_LESSON
    if isinstance(error, OSError) and (
        error.errno in (errno.EBADF, errno.ENOTSOCK, 10038) or getattr(error, "winerror", None) == 10038
    ):
        return CLOSED_LESSON
    return ""


def serving():
    """The learner's server, running in a thread for the length of a with-block."""
    return echo.running(epollserver.EchoServer(), stop_hint=STOP_HINT, lesson=lesson)


@pytest.fixture
def crowd_size():
    """How many clients the big test connects: CROWD, or as many as this system allows.

    The soft limit on open files is raised toward FDS_NEEDED as far as the hard limit
    lets it (macOS starts at 256); where it stays lower, or where selectors'
    DefaultSelector is select() itself (Windows: 512 sockets at most), the crowd is
    smaller, and a warning says so.
    """
    with echo.descriptors_up_to(FDS_NEEDED) as limit:
        size, why = CROWD, ""
        selector = facilities.selector_limit()
        if selector is not None:
            size = selector - SELECTOR_SPARE
            why = (
                f"selectors.DefaultSelector is select() on this system, which watches "
                f"{selector} sockets at most"
            )
        if limit is not None and 2 * size + SPARE_FDS > limit:
            size = max(1, (limit - SPARE_FDS) // 2)
            why = (
                f"this process may open only {limit} files (ulimit -n; its hard limit, "
                "ulimit -Hn, kept it from going higher), and both ends of every connection "
                "are open here"
            )
        if why:
            warnings.warn(f"test_two_thousand_clients_at_once connects {size} clients, not {CROWD}: {why}.")
        yield size


# --- the tests ---------------------------------------------------------------------------


def test_echoes_what_a_client_sends():
    # Two servers at once, each on a port of its own (port 0: the system picks a free one).
    with serving() as handle, serving() as second, echo.clients() as opened:
        echo.check_two_ports(handle, second)
        echo.echo(handle, echo.connect(handle, opened), b"first", "a client of the first server spoke")
        echo.echo(second, echo.connect(second, opened), b"second", "a client of the second server spoke")
        sock = echo.connect(handle, opened)
        for message in (b"hello", b"selectors", b"x" * 1000):
            echo.echo(handle, sock, message, f"a client sent {message[:20]!r}")


def test_serves_many_clients_at_once():
    with serving() as handle, echo.clients() as opened:
        echo.many_clients_at_once(
            handle, opened, count=50,
            hint=(
                "Every client must be served while the others stay connected: register "
                "each accepted socket with the selector and go back to select(); never "
                "block on one client's recv()."
            ),
        )  # fmt: skip


def test_a_large_message_comes_back_whole():
    with serving() as handle, echo.clients() as opened:
        # More than the most a socket's send buffer grows to here (4 MiB).
        echo.large_message_slow_reader(handle, opened, size=8 << 20)


def test_a_client_that_resets_does_not_disturb_the_others():
    with serving() as handle, echo.clients() as opened:
        echo.reset_does_not_disturb(
            handle, opened,
            hint=(
                "A client that resets its connection makes recv() or send() raise "
                "ConnectionResetError (an OSError). Catch it, unregister and close that "
                "client, and go on serving the others."
            ),
        )  # fmt: skip


def test_clients_that_leave_are_unregistered_and_closed():
    with serving() as handle, echo.clients() as opened:
        echo.clients_that_leave_are_closed(
            handle, opened, count=30,
            hint=(
                "When a client leaves (recv() returns b''), unregister its socket from "
                "the selector, then close it. A socket closed but still registered "
                "keeps its number in the selector's map, and registering the next "
                "socket that gets that number raises KeyError."
            ),
            lesson=(
                "So unregister its socket and close it: a selector that still watches a "
                "closed connection finds it readable on every turn."
            ),
        )  # fmt: skip


def test_an_idle_server_burns_no_cpu():
    with serving() as handle, echo.clients() as opened:
        echo.idle_burns_no_cpu(
            handle, opened,
            lesson=(
                "select() is returning at once, over and over: something is registered for "
                "an event that is always there. A socket is almost always writable, so watch "
                "EVENT_WRITE only while a client has pending output, and modify() it back to "
                "EVENT_READ once that output is sent. (A select() timeout of 0 spins the "
                "same way.)"
            ),
        )  # fmt: skip


def test_one_thread_serves_every_client():
    with serving() as handle, echo.clients() as opened:
        echo.one_thread_serves(
            handle, opened, count=20,
            lesson=(
                "This exercise serves every client from the one thread that runs "
                "serve_forever: the selector tells it which sockets are ready, so nothing "
                "ever has to wait in a thread of its own."
            ),
        )  # fmt: skip


def test_two_thousand_clients_at_once(crowd_size):
    with serving() as handle, echo.clients() as opened:
        socks = []
        for start in range(0, crowd_size, BATCH):
            batch = echo.connect_many(handle, opened, min(BATCH, crowd_size - start))
            socks += batch
            for index, sock in enumerate(batch, start):
                sock.sendall(b"%06d" % index)
            for index, sock in enumerate(batch, start):
                got = echo.receive(handle, sock, 6, lambda: _crowd_failure(handle, index, socks), CROWD_HINT)
                assert got == b"%06d" % index, f"client {index} got {got!r}, not its own bytes"
        if crowd_size == CROWD and facilities.selector_limit() is None:
            highest = max(sock.fileno() for sock in socks)
            assert highest > 1024, f"the test meant to use descriptors past 1024; the highest was {highest}"
        # All of them still connected: every tenth speaks once more, the earliest too.
        again = sorted(set(range(0, crowd_size, 10)) | set(range(min(5, crowd_size))))
        for index in again:
            socks[index].sendall(b"again%06d" % index)
        for index in again:
            sock = socks[index]
            got = echo.receive(handle, sock, 11, lambda: _crowd_failure(handle, index, socks), CROWD_HINT)
            assert got == b"again%06d" % index, f"client {index} got {got!r}, not its own bytes"


def _crowd_failure(handle, index, socks):
    return (
        f"{len(socks)} clients were connected at once (descriptors up to "
        f"{max(s.fileno() for s in socks)} in this process) and client {index} spoke"
    )


def test_a_client_that_half_closes_gets_its_whole_echo_then_end_of_file():
    with serving() as handle, echo.clients() as opened:
        echo.half_close_gets_whole_echo(
            handle, opened,
            hint=(
                "Mark the client as ended and modify() it to EVENT_WRITE only (its end of "
                "file is readable for ever); close it in _write once nothing is pending."
            ),
        )  # fmt: skip


CLOSE_HINT = (
    "On the way out of serve_forever (a finally: block) close every socket in the "
    "selector's map, the other end of the wake-up pair, and the selector."
)


def test_stop_ends_serve_forever_and_closes_every_socket():
    echo.stop_closes_every_socket(
        epollserver.EchoServer, stop_hint=STOP_HINT, lesson=lesson, hint=CLOSE_HINT
    )
    echo.stop_at_once_and_twice(epollserver.EchoServer, stop_hint=STOP_HINT, hint=CLOSE_HINT)
    echo.stop_before_serving(epollserver.EchoServer, stop_hint=STOP_HINT, hint=CLOSE_HINT)
