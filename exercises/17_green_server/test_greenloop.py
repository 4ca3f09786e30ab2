"""Tests for 17_green_server. Run them with:  pytest exercises/17_green_server

The first five tests drive a Hub on its own, over socketpairs, inside a helper thread
that the test gives up on after a moment (a hub stuck in select fails the test at once,
saying where). Each greenlet writes what it does into a log, and a failure shows that
log as a timeline. The other tests run GreenEchoServer in a thread (``echo.running``,
shared by every echo-server exercise, in kata/echo.py) and talk to it with plain
blocking clients, every wait bounded by a socket timeout.
"""

from __future__ import annotations

import contextlib
import socket
import threading

import greenlet
import pytest

from kata import echo, finishes_within, implementation
from kata import platform as facilities  # what this system offers

greenloop = implementation("greenloop")

SOON = echo.SOON  # seconds to wait for an answer that should come at once

STUCK_HUB = (
    "The hub did not finish: it is stuck in the place shown above. A greenlet that "
    "waits must register what it waits for and switch to the hub; the hub must select on "
    "every registered socket and switch back to the greenlet whose socket is ready. "
    "And a resumed greenlet must unregister its socket (in a finally): a registration "
    "left behind keeps the hub in select, waiting for a socket nobody waits for, so "
    "run() never finds that nothing is left and never returns."
)
STOP_HINT = (
    "serve_forever() had not returned: stop() should write a byte to a socketpair whose "
    "other end a greenlet of the hub waits on (wait_readable); that greenlet then calls "
    "hub.stop(), and run() returns after the turn. Is some greenlet blocking the whole "
    "thread (a blocking recv or accept), or does the hub never look at that socket?"
)
BLOCKED_THREAD = (
    "The server is not serving this client: is one greenlet blocking the whole thread "
    "(a socket left blocking, so recv or accept waits inside the OS instead of "
    "switching to the hub), or is a greenlet spinning without ever switching?"
)


# --- helpers -----------------------------------------------------------------------------


def timeline(log: list[str]) -> str:
    return "\n".join(f"  {step:>2}. {what}" for step, what in enumerate(log, 1)) or "  (nothing)"


@contextlib.contextmanager
def socketpairs(count: int, *, sndbuf: int | None = None, rcvbuf: int | None = None):
    """`count` non-blocking socketpairs (a, b), all shut down and closed afterwards.

    Shutting them down first makes them readable, which wakes a hub stuck in select on
    them, so that a wrong hub does not sleep on after the test. `sndbuf` and `rcvbuf`
    set a's send buffer and b's receive buffer.
    """
    pairs = [_socketpair(sndbuf, rcvbuf) for _ in range(count)]
    try:
        for pair in pairs:
            for sock in pair:
                sock.setblocking(False)
        yield pairs
    finally:
        for pair in pairs:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()


def _socketpair(sndbuf: int | None, rcvbuf: int | None):
    """socket.socketpair(), with a's send buffer and b's receive buffer set.

    Where the pair is TCP over loopback (kata.platform: no AF_UNIX, as on Windows), they
    are set before it connects: a receive buffer shrunk after the connection opened
    leaves the window the sender was promised larger than the room left, and the
    segments that do not fit are dropped and sent again, seconds later.
    """
    if facilities.AF_UNIX or not (sndbuf or rcvbuf):
        a, b = socket.socketpair()
        if sndbuf:
            a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
        if rcvbuf:
            b.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        return a, b
    with socket.socket() as listener:
        if rcvbuf:  # an accepted socket takes its listener's buffer sizes
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        a = socket.socket()
        if sndbuf:
            a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
        a.connect(listener.getsockname())
        b, _ = listener.accept()
    return a, b


def in_fresh_thread(fn):
    """Run fn() in a helper thread, bounded: the hub and its greenlets live and die there."""
    return finishes_within(SOON, fn, explain=STUCK_HUB)


def lesson(error: BaseException) -> str:
    """This exercise's words about a crash in serve_forever."""
    if isinstance(error, ValueError) and "negative" in str(error):
        return (
            "select was handed a closed socket (its descriptor is -1): a socket stayed "
            "registered in the hub after its greenlet was resumed and closed it. "
            "wait_readable and wait_writable must unregister the socket once resumed."
        )
    return ""


def serving(server=None):
    """A GreenEchoServer (or `server`) running in a thread for the length of a with-block."""
    if server is None:
        server = greenloop.GreenEchoServer()
    return echo.running(server, stop_hint=STOP_HINT, lesson=lesson)


# --- the hub on its own -------------------------------------------------------------------


def _ping_pong():
    """Two greenlets play ping-pong over a socketpair with the green recv and sendall."""
    def scenario():
        log: list[str] = []
        with socketpairs(1) as [(a, b)]:
            hub = greenloop.Hub()

            def pinger():
                for i in range(3):
                    greenloop.sendall(hub, a, b"%d" % i)
                    log.append(f"pinger: got {greenloop.recv(hub, a, 10)!r}")

            def ponger():
                for _ in range(3):
                    data = greenloop.recv(hub, b, 10)
                    log.append(f"ponger: got {data!r}")
                    greenloop.sendall(hub, b, data)

            hub.spawn(pinger)
            hub.spawn(ponger)
            hub.run()
        return log

    log = in_fresh_thread(scenario)
    expected = [f"{who}: got b'{i}'" for i in range(3) for who in ("ponger", "pinger")]
    assert log == expected, (
        "two greenlets played ping-pong over a socketpair with the green recv and sendall. "
        "Each recv with nothing to read should park its greenlet in the hub "
        "(wait_readable) and let the other one run. What happened:\n"
        f"{timeline(log)}\nexpected:\n{timeline(expected)}"
    )


def test_a_waiting_greenlet_resumes_when_its_socket_becomes_readable():
    def scenario():
        log: list[str] = []
        with socketpairs(1) as [(a, b)]:
            hub = greenloop.Hub()

            def reader():
                log.append("reader: waits for a to be readable")
                hub.wait_readable(a)
                log.append(f"reader: resumed, a.recv() -> {a.recv(100)!r}")

            def writer():
                log.append("writer: sends b'ping' on b")
                b.send(b"ping")

            hub.spawn(reader)
            hub.spawn(writer)
            assert log == [], "spawn() should only schedule the greenlet; the hub starts it in run()"
            hub.run()
        return log

    log = in_fresh_thread(scenario)
    expected = [
        "reader: waits for a to be readable",
        "writer: sends b'ping' on b",
        "reader: resumed, a.recv() -> b'ping'",
    ]
    assert log == expected, (
        "the reader should park in wait_readable(a), the hub run the writer, select see a "
        "readable and switch back to the reader. What happened:\n"
        f"{timeline(log)}\nexpected:\n{timeline(expected)}"
    )
    _ping_pong()


def test_a_resumed_greenlet_is_not_woken_again_for_its_old_socket():
    def scenario():
        log: list[str] = []
        with socketpairs(2) as [(a, b), (c, d)]:
            hub = greenloop.Hub()
            b.send(b"12")  # a stays readable after the first byte is read

            def waiter():
                hub.wait_readable(a)
                log.append(f"waiter: a.recv(1) -> {a.recv(1)!r}; now waits for c")
                hub.wait_readable(c)
                try:
                    log.append(f"waiter: resumed, c.recv() -> {c.recv(10)!r}")
                except BlockingIOError:
                    log.append("waiter: resumed, but c has nothing to read (woken for a?)")

            def late_writer():
                for _ in range(3):  # a few turns of the hub, then write to c's peer
                    hub.wait_writable(d)
                log.append("late_writer: sends b'late' on d")
                d.send(b"late")

            hub.spawn(waiter)
            hub.spawn(late_writer)
            hub.run()
        return log

    log = in_fresh_thread(scenario)
    expected = [
        "waiter: a.recv(1) -> b'1'; now waits for c",
        "late_writer: sends b'late' on d",
        "waiter: resumed, c.recv() -> b'late'",
    ]
    assert log == expected, (
        "a greenlet waited for a, was resumed, read one of a's two bytes, then waited for "
        "c. a was still readable, but nobody waited for it any more: the hub must not "
        "wake the greenlet for a again. wait_readable must unregister the socket once the "
        "greenlet is resumed. What happened:\n"
        f"{timeline(log)}\nexpected:\n{timeline(expected)}"
    )


def test_an_exception_in_one_greenlet_is_recorded_and_the_others_go_on():
    def scenario():
        log: list[str] = []
        with socketpairs(1) as [(a, b)]:
            hub = greenloop.Hub()

            def faulty():
                log.append("faulty: raises ValueError")
                raise ValueError("boom")

            def reader():
                hub.wait_readable(a)
                log.append(f"reader: got {a.recv(10)!r}")

            def writer():
                b.send(b"still here")
                log.append("writer: sent")

            for fn in (faulty, reader, writer):
                hub.spawn(fn)
            hub.run()
        return log, hub.errors

    log, errors = in_fresh_thread(scenario)
    assert "reader: got b'still here'" in log, (
        "one greenlet raised ValueError and the hub did not carry on with the others. A "
        "task's exception must not end the hub: catch it in the greenlet's own function "
        "(the one spawn wraps around fn) and record it in hub.errors. What happened:\n"
        + timeline(log)
    )
    assert len(errors) == 1 and isinstance(errors[0][1], ValueError), (
        f"hub.errors should hold one (name, ValueError) entry for the faulty task; it holds {errors!r}"
    )


def test_green_sendall_sends_every_byte_through_a_small_buffer():
    size = 256 * 1024
    message = bytes(range(251)) * (size // 251 + 1)
    message = message[:size]

    def scenario():
        log: list[str] = []
        received = bytearray()
        with socketpairs(1, sndbuf=8192, rcvbuf=8192) as [(a, b)]:  # send() will be partial
            hub = greenloop.Hub()

            def sender():
                greenloop.sendall(hub, a, message)
                log.append(f"sender: sendall returned; closing its end")
                a.shutdown(socket.SHUT_WR)

            def reader():
                while True:
                    chunk = greenloop.recv(hub, b, 4096)
                    if not chunk:
                        break
                    at = len(received)
                    received.extend(chunk)
                    if received[at:] != message[at : at + len(chunk)]:
                        # Wrong bytes (or more than were sent): hang up, so that the
                        # sender's next send fails and the hub can end.
                        log.append(f"reader: bytes {at}.. are not what was sent; hangs up")
                        b.close()  # frees what a sent: a's next send raises BrokenPipeError
                        return
                log.append(f"reader: EOF after {len(received)} bytes")

            hub.spawn(sender)
            hub.spawn(reader)
            hub.run()
        return log, bytes(received)

    log, received = in_fresh_thread(scenario)
    same = next((i for i, (x, y) in enumerate(zip(received, message)) if x != y), None)
    if same is not None and received[same:same + 64] == message[:64]:
        pytest.fail(
            f"sendall of {size} bytes through an 8 KiB buffer: the first {same} bytes "
            "arrived right, then the message began again from its first byte:\n"
            f"{timeline(log)}\n"
            "After a partial send, sendall sent the whole data again instead of the rest. "
            "sock.send() returns how many bytes it took: go on from there "
            "(view = view[sent:], on a memoryview of the data), and when send raises "
            "BlockingIOError, wait_writable and try the same rest again.",
            pytrace=False,
        )
    if received != message:
        same = len(received) if same is None else same
        pytest.fail(
            f"sendall of {size} bytes through an 8 KiB buffer: the reader got {len(received)} "
            f"bytes, the first {same} of them right.\n{timeline(log)}\n"
            "sock.send() on a non-blocking socket sends what fits in the buffer and returns "
            "how much that was. sendall must go on from that point (a memoryview slice "
            "saves copying), and when send raises BlockingIOError, wait_writable and try again.",
            pytrace=False,
        )


# --- the green echo server ------------------------------------------------------------------


def test_many_clients_at_once_each_get_their_own_bytes():
    with serving() as handle, serving() as second, echo.clients() as opened:
        ports = (handle.address[1], second.address[1])
        assert type(ports[0]) is int and 0 not in ports and ports[0] != ports[1], (
            f"two servers made with the defaults listen on ports {ports}: the default port "
            "is 0, which asks the system for a free port, one per server"
        )
        echo.echo(second, echo.connect(second, opened), b"second", "a client of a second server spoke", BLOCKED_THREAD)
        echo.many_clients_at_once(
            handle, opened, count=50, rounds=3,
            hint=BLOCKED_THREAD + (
                " Each connection needs its own greenlet with its own socket, echoing only "
                "its own bytes."
            ),
        )  # fmt: skip


PARTIAL_SEND = (
    "The rest never came: it was lost. This client reads slowly through a small receive "
    "window, so the server's sock.send() often sends only part of what it is given and "
    "returns how much. sendall must go on from there, waiting (wait_writable) while "
    "the buffer is full, until every byte is sent."
)


def test_a_large_message_comes_back_whole_while_others_are_served():
    size = 1 << 20
    message = bytes(range(256)) * (size // 256)
    with serving() as handle, echo.clients() as opened:
        big = echo.connect(handle, opened, rcvbuf=4096)
        small = echo.connect(handle, opened)

        def send_all():
            try:
                for start in range(0, size, 1 << 16):  # each sendall has its own time limit
                    big.sendall(message[start : start + (1 << 16)])
            except OSError:
                pass  # the server stopped reading: the receiving side says what went wrong

        sender = threading.Thread(target=send_all, name="big client sender", daemon=True)
        sender.start()
        try:
            first = echo.receive(handle, big, 1 << 16, "the 1 MiB client (first 64 KiB)", BLOCKED_THREAD)
            echo.echo(handle, small, b"me too", "a second client while 1 MiB is in flight", BLOCKED_THREAD)
            rest = echo.receive(handle, big, size - len(first), "the 1 MiB client", PARTIAL_SEND)
        finally:
            with contextlib.suppress(OSError):
                big.shutdown(socket.SHUT_RDWR)  # ends the sender's sendall, if it is stuck
            sender.join(SOON)
        echoed = first + rest
        if echoed != message:
            where = next(i for i, (x, y) in enumerate(zip(echoed, message)) if x != y)
            pytest.fail(
                f"1 MiB came back with every byte counted but wrong from byte {where} on: "
                "a partial send's tail went missing or out of order. sock.send() may send "
                "only part of what it is given; sendall must send the rest from where it "
                "stopped, waiting (wait_writable) while the buffer is full.",
                pytrace=False,
            )
        echo.stays_idle(
            handle,
            after="a client got its 1 MiB echo back through many partial sends, then hung up",
            lesson=(
                "A greenlet resumed from wait_writable must forget that registration (in a "
                "finally): a socket is writable almost always, and a hub still selecting on "
                "it for writing wakes at once, every time."
            ),
        )  # fmt: skip


def test_a_reset_client_does_not_disturb_the_others():
    server = greenloop.GreenEchoServer()
    with serving(server) as handle, echo.clients() as opened:
        echo.reset_does_not_disturb(
            handle, opened,
            hint=(
                "A reset makes recv() or send() raise ConnectionResetError (an OSError) in "
                "that connection's greenlet: catch it there (or let the hub record it), close "
                "that connection, and let the other greenlets go on. " + BLOCKED_THREAD
            ),
        )  # fmt: skip
        late = echo.connect(handle, opened)
        echo.echo(handle, late, b"new", "a client that connects after the reset", BLOCKED_THREAD)
        echo.half_close_gets_whole_echo(
            handle, opened,
            hint=(
                "handle() echoes what it read before it reads again, so when recv() returns "
                "b'' everything has gone back: return, and close conn in a finally clause."
            ),
        )  # fmt: skip
        handle.settled()  # every greenlet that saw a reset has had its turn
        hub = getattr(server, "hub", None)
        errors = getattr(hub, "errors", None)
        if type(errors) is not list:
            pytest.fail(
                f"while serve_forever runs, server.hub should be the Hub it runs, with its list "
                f"of errors; server.hub is {hub!r}. Keep the hub serve_forever makes as self.hub.",
                pytrace=False,
            )
        if errors:
            shown = ", ".join(f"({name!r}, {type(exc).__name__})" for name, exc in errors[:3])
            pytest.fail(
                f"clients reset their connections and hung up mid-echo, and every other client "
                f"was served; but hub.errors holds {len(errors)} entries: {shown} ... A reset "
                "is one of the two ways a connection ends, like a close, not a fault of the "
                "handler: catch ConnectionError (ConnectionResetError, BrokenPipeError) in "
                "handle and return. hub.errors is for real faults; a server that records every "
                "reset there keeps each exception, with its traceback, its frames and their "
                "socket, in a list that grows for as long as it serves.",
                pytrace=False,
            )


class GreenletWatch:
    """A server served as usual, watched from its own thread: greenlet.settrace records
    every greenlet the thread switches into. Nothing of the learner's module or server
    object is touched, so whatever the handler is called, the test sees it."""

    def __init__(self, server):
        self.server = server
        self.address = server.address
        self.entered: list[greenlet.greenlet] = []

    def serve_forever(self):
        previous = greenlet.settrace(self._trace)
        try:
            self.server.serve_forever()
        finally:
            greenlet.settrace(previous)

    def stop(self):
        self.server.stop()

    def _trace(self, event, args):
        if event in ("switch", "throw"):
            self.entered.append(args[1])  # (origin, target)

    def parked(self) -> set:
        """The greenlets entered that are alive and not a thread's main greenlet."""
        return {g for g in self.entered if not g.dead and g.parent is not None}


def test_one_greenlet_per_connection_and_one_thread():
    watch = GreenletWatch(greenloop.GreenEchoServer())
    threads_before = threading.active_count()
    with serving(watch) as handle, echo.clients() as opened:
        socks = [echo.connect(handle, opened) for _ in range(5)]
        for i, sock in enumerate(socks):
            echo.echo(handle, sock, b"hello %d" % i, f"client {i} of 5", BLOCKED_THREAD)
        threads_during = threading.active_count()
        handle.settled()  # every greenlet parked, the hub in select
        parked = len(watch.parked())
    assert threads_during == threads_before + 1, (
        f"the process went from {threads_before} threads to {threads_during} while 5 clients "
        "were served: the whole server runs in the one thread that calls serve_forever. "
        "Greenlets replace threads here; spawn greenlets, not threads."
    )
    assert parked >= 5, (
        f"5 clients were connected and echoed, and the serving thread had {parked} greenlets "
        "parked (alive, waiting): each connection should have a greenlet of its own, parked "
        "in its recv while its client is quiet (hub.spawn(self.handle, conn) for each "
        "accepted connection), not all served from one greenlet."
    )


def test_an_idle_server_sleeps_in_select():
    with serving() as handle, echo.clients() as opened:
        echo.idle_burns_no_cpu(
            handle, opened, count=5, window=0.3,
            lesson=(
                "The hub keeps waking: it is spinning, not sleeping. When no greenlet is "
                "ready, the hub should wait in select with no timeout (timeout None), so the "
                "OS wakes it only when a socket is ready."
            ),
        )  # fmt: skip
        echo.echo(handle, opened[0], b"still awake", "a client after the idle window", BLOCKED_THREAD)


RUN_AGAIN_STUCK = (
    "The same hub, run again after a stop with two new greenlets (one waiting for c, one "
    "writing to d), did not finish: it is stuck in the place shown above. Nothing of the "
    "last run may be left. A greenlet unwound at the stop must forget its registration "
    "(the finally around the switch in wait_readable): a registration left behind keeps "
    "the hub in select, waiting for a socket nobody waits for."
)


def test_stop_unwinds_parked_greenlets_and_closes_every_socket():
    log: list[str] = []
    with socketpairs(2) as [(a, b), (c, d)]:

        def first_run():
            hub = greenloop.Hub()

            def parked():
                try:
                    log.append("parked: waits for a, which never becomes readable")
                    hub.wait_readable(a)
                    log.append("parked: resumed (nobody wrote to a!)")
                finally:
                    log.append("parked: its finally block runs")

            def stopper():
                log.append("stopper: calls hub.stop()")
                hub.stop()

            hub.spawn(parked)
            hub.spawn(stopper)
            hub.run()
            log.append("run() returned")
            return hub, list(hub.errors)

        hub, errors = in_fresh_thread(first_run)
        expected = [
            "parked: waits for a, which never becomes readable",
            "stopper: calls hub.stop()",
            "parked: its finally block runs",
            "run() returned",
        ]
        assert log == expected, (
            "one greenlet parked in wait_readable(a), another called hub.stop(). run() should "
            "return after that turn, and on its way out throw GreenletExit into every greenlet "
            "still parked (greenlet.throw()), so that their finally blocks run (and close their "
            "sockets) before run() returns. What happened:\n"
            f"{timeline(log)}\nexpected:\n{timeline(expected)}"
        )
        assert errors == [], (
            f"hub.errors holds {errors!r} after a stop: GreenletExit, thrown in to unwind a "
            "parked greenlet, is not an error of the task; leave it out of hub.errors."
        )

        # The same hub runs again, as a new one would: the stop ended the last run only,
        # and the greenlet unwound then no longer waits for a.
        def second_run():
            def reader():
                hub.wait_readable(c)
                log.append(f"reader: resumed, c.recv() -> {c.recv(10)!r}")

            def writer():
                for _ in range(2):  # a turn or two of the hub first
                    hub.wait_writable(d)
                d.send(b"again")
                log.append("writer: sends b'again' on d")

            hub.spawn(reader)
            hub.spawn(writer)
            hub.run()
            log.append("run() returned again")

        finishes_within(SOON, second_run, explain=RUN_AGAIN_STUCK)
        again = expected + [
            "writer: sends b'again' on d",
            "reader: resumed, c.recv() -> b'again'",
            "run() returned again",
        ]
        assert log == again, (
            "after a stop, the same hub ran again with two new greenlets: a reader waiting for "
            "c and a writer that sends on d after a turn or two. A stop ends the run it was "
            "called in, not every later one (clear the flag when run() returns), and nothing "
            "of the last run may be left (no registration of the greenlet unwound then). "
            f"What happened:\n{timeline(log)}\nexpected:\n{timeline(again)}"
        )

    close_hint = (
        "After hub.run() returns, close every connection still open, the listening socket "
        "and both ends of the socketpair (a finally: block in serve_forever)."
    )
    echo.stop_closes_every_socket(
        greenloop.GreenEchoServer, stop_hint=STOP_HINT, lesson=lesson, hint=close_hint
    )
    echo.stop_at_once_and_twice(greenloop.GreenEchoServer, stop_hint=STOP_HINT, hint=close_hint)
    echo.stop_before_serving(greenloop.GreenEchoServer, stop_hint=STOP_HINT, hint=close_hint)
