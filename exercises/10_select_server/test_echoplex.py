"""Tests for 10_select_server. Run them with:  pytest exercises/10_select_server

Each test runs the learner's EchoServer in a thread (``echo.running``) and talks to it
with plain blocking clients whose every wait is bounded by a socket timeout, so a wrong
server fails the test within about a second instead of hanging it. Every client socket
is closed when the test ends, pass or fail, and ``running`` stops the server and checks
that serve_forever returned. The checks shared by every echo-server exercise live in
kata/echo.py; the words below say what to do about a failure with ``select.select``.
"""

from __future__ import annotations

import pytest

from kata import echo, implementation

echoplex = implementation("echoplex")

STOP_HINT = (
    "stop() must wake select() at once: write a byte into a socketpair whose other end is "
    "in select's read list, and leave the loop when that end is readable. A flag alone is "
    "seen only when some client happens to speak, and a select() timeout that polls a "
    "flag is slow and wakes an idle server for nothing."
)
FD_SETSIZE_LESSON = (
    "select.select() cannot watch a descriptor numbered 1024 or above (FD_SETSIZE): it "
    "raises ValueError. This server's tests stay below that; 16_selectors goes past it."
)
NEGATIVE_LESSON = (
    "select() was handed a socket that is already closed (its fileno() is -1): a client "
    "closed but still in the lists. Forget a client (take it out of every list, or out of "
    "the dict the lists are built from) when you close it."
)


def lesson(error: BaseException) -> str:
    """This exercise's words about a crash in serve_forever."""
    if isinstance(error, ValueError) and "negative" in str(error):
        return NEGATIVE_LESSON
    if isinstance(error, ValueError) and "select" in str(error):
        return FD_SETSIZE_LESSON
    return ""


def serving():
    """The learner's server, running in a thread for the length of a with-block."""
    return echo.running(echoplex.EchoServer(), stop_hint=STOP_HINT, lesson=lesson)


def test_echoes_what_a_client_sends():
    # Two servers at once, each on a port of its own (port 0: the system picks a free one).
    with serving() as handle, serving() as second, echo.clients() as opened:
        echo.check_two_ports(handle, second)
        echo.echo(handle, echo.connect(handle, opened), b"first", "a client of the first server spoke")
        echo.echo(second, echo.connect(second, opened), b"second", "a client of the second server spoke")
        sock = echo.connect(handle, opened)
        for message in (b"hello", b"select", b"x" * 1000):
            echo.echo(
                handle, sock, message, f"a client sent {message[:20]!r}",
                hint=(
                    "Accept the client, put its socket in select's read list, recv() what it "
                    "sends when it is readable, and send it back when it is writable."
                ),
            )  # fmt: skip


def test_serves_fifty_clients_at_once():
    with serving() as handle, echo.clients() as opened:
        echo.many_clients_at_once(
            handle, opened, count=50,
            hint=(
                "Every client must be served while the others stay connected: accept every "
                "waiting client (until BlockingIOError), put each in the read list, and go "
                "back to select(); never block in one client's recv()."
            ),
        )  # fmt: skip


def test_a_large_message_comes_back_whole():
    with serving() as handle, echo.clients() as opened:
        echo.large_message_slow_reader(
            handle, opened, size=8 << 20,
            hint=(
                "A non-blocking send() takes only what fits in the socket's buffer and "
                "returns how many bytes that was. Keep the unsent tail at the front of that "
                "client's queue and send it on its next writable turn."
            ),
        )  # fmt: skip


def test_a_client_that_resets_does_not_disturb_the_others():
    with serving() as handle, echo.clients() as opened:
        echo.reset_does_not_disturb(
            handle, opened,
            hint=(
                "A client that resets its connection makes recv() or send() raise "
                "ConnectionResetError (an OSError; Python 2 called it socket.error). Catch "
                "it, forget and close that client, and go on serving the others."
            ),
        )  # fmt: skip


def test_clients_that_leave_are_closed_and_forgotten():
    with serving() as handle, echo.clients() as opened:
        echo.clients_that_leave_are_closed(
            handle, opened, count=30,
            hint=(
                "When a client leaves (recv() returns b''), take its socket out of every "
                "list select() is given, then close it: a closed socket left in a list "
                "makes select() raise ValueError (its fileno() is -1)."
            ),
            lesson=(
                "(A departed client left in the read list is also readable on every call: "
                "end of file never goes away.)"
            ),
        )  # fmt: skip


def test_urgent_data_neither_crashes_nor_spins():
    with serving() as handle, echo.clients() as opened:
        echo.urgent_data_does_not_disturb(
            handle, opened, window=0.15,
            hint=(
                "On TCP, select's third list (exceptional) reports urgent, out-of-band data "
                "(send(..., MSG_OOB)), not errors. If you ask about it, handle it: read the "
                "byte off with recv(1, socket.MSG_OOB) (or close that client); left alone "
                "it is reported again on every call, and the loop spins."
            ),
        )  # fmt: skip


def test_an_idle_server_sleeps():
    with serving() as handle, echo.clients() as opened:
        echo.idle_burns_no_cpu(
            handle, opened, window=0.25, max_wakeups=0,
            lesson=(
                "select() is returning at once, over and over: a socket is in the write list "
                "with nothing to send (a socket is writable almost always: list it only while "
                "it has output pending), or select() is called with timeout=0."
            ),
            wakeup_lesson=(
                "Call select() without a timeout, and let stop() wake it through the "
                "socketpair."
            ),
        )  # fmt: skip


def test_one_thread_serves_every_client():
    with serving() as handle, echo.clients() as opened:
        echo.one_thread_serves(
            handle, opened, count=20,
            lesson=(
                "That is what select() is for: it tells the one thread which sockets are "
                "ready, so no client ever needs a thread of its own to wait in."
            ),
        )  # fmt: skip


def test_a_client_that_half_closes_gets_its_whole_echo_then_end_of_file():
    with serving() as handle, echo.clients() as opened:
        echo.half_close_gets_whole_echo(
            handle, opened,
            hint=(
                "Mark the connection as ended, take it out of the read list (its end of "
                "file is readable for ever), and close it in _write once its queue is empty."
            ),
        )  # fmt: skip


CLOSE_HINT = (
    "On the way out of serve_forever (a finally: block) close every client, the "
    "listening socket and both ends of the wake-up socketpair."
)


def test_stop_ends_serve_forever_and_closes_every_socket():
    echo.stop_closes_every_socket(
        echoplex.EchoServer, stop_hint=STOP_HINT, lesson=lesson, hint=CLOSE_HINT
    )
    echo.stop_at_once_and_twice(echoplex.EchoServer, stop_hint=STOP_HINT, hint=CLOSE_HINT)
    echo.stop_before_serving(echoplex.EchoServer, stop_hint=STOP_HINT, hint=CLOSE_HINT)
