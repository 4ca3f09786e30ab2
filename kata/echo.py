"""The echo-server test toolkit: what the tests of every echo-server exercise share.

Exercises 10_select_server, 16_selectors, 17_green_server and 18_asyncio all build an
echo server and test the same behaviour; the logic of those tests lives here, once. A
*server* is any object with

- ``.address``: (host, port), bound and listening from the constructor on
  (127.0.0.1, port 0);
- ``serve_forever()``: serves until ``stop()`` is called from another thread;
- ``stop()``: makes ``serve_forever`` return within a second; by then every socket the
  server opened is closed.

How a test uses it::

    from kata import echo, implementation

    mymod = implementation("mymod")

    def test_serves_many_clients_at_once():
        with echo.running(mymod.EchoServer(), stop_hint=STOP_HINT) as handle, \\
                echo.clients() as opened:
            echo.many_clients_at_once(handle, opened, hint="...what to do in *this* exercise...")

``running`` serves the server in a daemon thread and, on the way out, stops it and fails
the test (with ``stop_hint``) if ``serve_forever`` does not return. ``clients`` is a
list every client socket goes into; each is closed when the block ends, pass or fail.
``connect``, ``receive`` and ``echo`` bound every wait by a socket timeout (``SOON``) and
fail with a message that says what the client did, what came back, and why a server
that has crashed did so (``Handle.died``). The scenario functions below
(``many_clients_at_once``, ``large_message_slow_reader``, ``reset_does_not_disturb``,
``clients_that_leave_are_closed``, ``one_thread_serves``, ``idle_burns_no_cpu``,
``urgent_data_does_not_disturb``, ``stop_closes_every_socket``) are whole tests: each
takes the exercise's own words (``hint=`` or ``lesson=``) and adds them to a message
that already says what was expected and what happened.

Exercise-specific lessons for a crashed server go in ``lesson``: a function that takes
the exception serve_forever raised and returns a sentence about it (or ``''``), e.g.
``select.select`` raising ValueError past FD_SETSIZE.

The API is kept stable: new things are added, nothing is taken away or changed.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import inspect
import linecache
import os
import platform
import socket
import struct
import sys
import threading
import time
import types
from typing import Callable, Optional

import pytest

from kata import guard, timing
from kata import platform as facilities  # what this system offers (platform: the stdlib's)

# None where the system has no such module (Windows): each use below asks first.
fcntl, resource, termios = facilities.fcntl, facilities.resource, facilities.termios

SOON = timing.AT_ONCE  # seconds a client waits for an echo that should come at once
STUCK_LOOK = 0.2  # a window: seconds between two looks at a server that has not answered yet
CROWD_SECONDS = timing.CROWD  # for a crowd of clients to get every echo (a free server takes ms)
# Each thread's own CPU clock, to the nanosecond: finer than /proc's 10 ms ticks.
THREAD_CPU_CLOCK = facilities.THREAD_CPU_CLOCK
STOP_WITHIN = timing.AT_ONCE  # seconds serve_forever may take to return after stop()
# Where one thread's wake-ups cannot be read (no /proc), the whole process's count stands
# in (kata.platform.context_switches): it also counts the watching thread's own wait.
WAKEUPS_EXACT = facilities.PROC
QUIET_LOOK = 0.01  # seconds: a look in which nothing in the process woke (Handle.quiet)
OWN_WAKEUPS = 1  # the process's count over a look: the watching thread's own wait

Lesson = Optional[Callable[[BaseException], str]]

STOP_HINT = (
    "stop() must wake serve_forever at once, wherever it waits: write a byte into a "
    "socketpair whose other end serve_forever watches for reading, and end the loop when "
    "that end becomes readable. (A timeout that polls a flag is slow; a flag alone is "
    "seen only when some client happens to speak.)"
)
CONNECT_HINT = (
    "The server should listen from its constructor on, with a backlog big enough for many "
    "clients at once (listen(socket.SOMAXCONN)), and accept every client that is waiting."
)

__all__ = [
    "SOON", "STOP_WITHIN", "STOP_HINT", "CONNECT_HINT",
    "Handle", "running", "clients", "connect", "receive", "echo", "send_quietly",
    "open_descriptors", "wait_until", "more_descriptors", "descriptors_up_to", "connect_many",
    "many_clients_at_once", "large_message_slow_reader", "reset_does_not_disturb",
    "clients_that_leave_are_closed", "one_thread_serves", "idle_burns_no_cpu",
    "urgent_data_does_not_disturb", "stop_closes_every_socket", "half_close_gets_whole_echo",
    "stop_at_once_and_twice", "stays_idle", "stop_before_serving", "until_sent_or_stalled",
]  # fmt: skip


# --- the server in a thread -----------------------------------------------------------------


class Handle:
    """A server running in a thread: its address, its thread, what ended it."""

    def __init__(self, server, lesson: Lesson = None):
        self.server = server
        self.address = tuple(server.address)[:2]
        self.lesson = lesson
        self.native_id: int | None = None
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
        """CPU time the serving thread has used so far (user + system).

        From the thread's own CPU clock where there is one (to the nanosecond), else from
        /proc (in clock ticks, 10 ms on most systems).
        """
        if THREAD_CPU_CLOCK and self.thread.is_alive():
            with contextlib.suppress(OSError):  # the thread ended just now: read /proc
                return time.clock_gettime(time.pthread_getcpuclockid(self.thread.ident))
        if not facilities.PROC:  # psutil's per-thread times, on every system
            return facilities.thread_cpu_seconds(self.native_id) or 0.0
        with open(f"/proc/self/task/{self.native_id}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def busy_seconds(self) -> float:
        """Time the serving thread has been running or ready to run so far.

        Its CPU time, plus, where Linux tells (/proc/<tid>/schedstat), the time it waited
        in a run queue for a CPU: on a loaded machine a spinning thread gets only a slice
        of a core, but it never stops wanting one, so it is busy nearly all the time. A
        sleeping thread is neither.
        """
        used = self.cpu_seconds()
        if not facilities.PROC:
            return used
        with contextlib.suppress(OSError, ValueError, IndexError):
            with open(f"/proc/self/task/{self.native_id}/schedstat") as schedstat:
                on_cpu, waiting = (int(field) for field in schedstat.read().split()[:2])
            return max(used, (on_cpu + waiting) / 1e9)
        return used

    def wakeups(self) -> int:
        """How many times the serving thread has gone to sleep (voluntary context switches).

        A thread asleep in select, poll or epoll_wait adds one each time it is woken and
        sleeps again; one that stays asleep adds none. Where kata.platform has no /proc,
        the whole process's count (kata.platform.context_switches: every thread's, the
        test's own included; see WAKEUPS_EXACT), or 0 where there is none either.
        """
        if not facilities.PROC:
            return facilities.context_switches() or 0
        with open(f"/proc/self/task/{self.native_id}/status") as status:
            for line in status:
                if line.startswith("voluntary_ctxt_switches:"):
                    return int(line.split()[1])
        return 0

    def settled(self, seconds: float = 0.5) -> None:
        """Wait (a bounded while) until the serving thread sleeps in a system call.

        An idle server sleeps in select, poll or epoll_wait; one waiting for the
        interpreter's lock sleeps in a futex, and one at work does not sleep at all. Read
        from /proc, so it tells where the thread is without stopping it. Where there is no
        /proc/<pid>/task/<tid>/wchan: until a look of QUIET_LOOK in which nothing in this
        process woke and the serving thread used no CPU (``quiet``).
        """
        deadline = time.monotonic() + seconds
        while self.thread.is_alive() and time.monotonic() < deadline:
            if not facilities.PROC:
                if self.quiet():
                    return
                continue
            if self.sleeping() is not False:
                return
            time.sleep(0.005)

    def quiet(self, look: float | None = None, pause: Callable[[float], object] = time.sleep) -> bool:
        """Over `look` seconds (QUIET_LOOK; `pause` waits it out), did nothing in this
        process wake, and the serving thread use no CPU?

        What tells where the wake-ups of one thread cannot be read (no /proc): the whole
        process's count of context switches (kata.platform.context_switches) grows by no
        more than the watching thread's own wait, and the serving thread's CPU time
        (psutil's, in ticks) stays the same. A thread asleep in its wait for readiness adds
        neither; one at work, spinning or polling with a timeout adds to one or both, and
        so does any client thread of the test that is sending or receiving meanwhile.
        """
        look = QUIET_LOOK if look is None else look
        cpu, woke = self.cpu_seconds(), facilities.context_switches()
        pause(look)
        if woke is None:  # nothing counts wake-ups here: judged by CPU time alone
            return self.cpu_seconds() == cpu and self.thread.is_alive()
        return (
            facilities.context_switches() - woke <= OWN_WAKEUPS
            and self.cpu_seconds() == cpu
            and self.thread.is_alive()
        )

    def sleeping(self) -> bool | None:
        """Does the serving thread sleep in a system call other than a wait for the
        interpreter's lock (a futex)? None where /proc/<pid>/task/<tid>/wchan cannot be read."""
        if not facilities.PROC:
            return None
        try:
            with open(f"/proc/self/task/{self.native_id}/wchan") as wchan:
                where = wchan.read().strip()
        except OSError:
            return None
        return where not in ("", "0") and "futex" not in where

    def blocked_in(self, looks: int = 3, gap: float = 0.02) -> str:
        """The blocking socket call the serving thread sleeps in ('accept', 'recv' or
        'send'), or '' when it sleeps elsewhere (select, poll, epoll_wait), runs, or ended.

        Read from /proc/self/task/<tid>/syscall (Linux, x86_64 and aarch64), `looks` times
        `gap` seconds apart: a non-blocking call returns at once and is never seen twice.
        """
        calls = _BLOCKING_CALLS.get(platform.machine(), {}) if facilities.PROC else {}
        if not calls:  # no /proc/<tid>/syscall to read: the thread's Python frames tell
            return self._blocked_in_frames(looks, gap)
        path = f"/proc/self/task/{self.native_id}/syscall"
        seen = ""
        for look in range(looks):
            if look:
                time.sleep(gap)
            try:
                with open(path) as syscall:
                    number = syscall.read().split()[0]
            except (OSError, IndexError):
                return ""
            name = calls.get(int(number), "") if number.isdigit() else ""
            if not name or (seen and name != seen):
                return ""
            seen = name
        return seen

    def _blocked_in_frames(self, looks: int, gap: float) -> str:
        """blocked_in where /proc cannot say: from the serving thread's own Python frame
        (sys._current_frames, every system; with greenlets, the running greenlet's).

        Seen `looks` times `gap` seconds apart at the same instruction, a call to accept,
        recv or send (sendall, recv_into, ...) of a socket that blocks (getblocking()),
        and no CPU used meanwhile: that call has not returned, and nothing else will
        return it but that socket's peer. A non-blocking call returns at once.
        """
        seen, where, cpu = "", None, self.cpu_seconds()
        for look in range(looks):
            if look:
                time.sleep(gap)
            frame = sys._current_frames().get(self.thread.ident) if self.thread.is_alive() else None
            if frame is None:
                return ""
            try:
                name, sock = _socket_call_at(frame)
                blocking = isinstance(sock, socket.socket) and sock.getblocking()
            except Exception:  # not a call this can read: not seen blocked
                return ""
            here = (id(frame), frame.f_lasti)
            if not name or not blocking or (seen and (name, here) != (seen, where)):
                return ""
            seen, where = name, here
        return seen if self.cpu_seconds() == cpu else ""

    def waits_for_ever(self) -> bool:
        """Is the serving thread asleep in a readiness wait (select, poll, epoll_wait) that
        has no timeout? Then only a socket becoming ready (or a signal) can wake it.

        Read from /proc/self/task/<tid>/syscall (Linux, x86_64 and aarch64), which names
        the call a sleeping thread is in and its arguments: select's and ppoll's timeout
        pointer is NULL, poll's and epoll_wait's timeout is -1. False wherever that
        cannot be read, and for a thread that runs or waits with a timeout.
        """
        calls = _READINESS_WAITS.get(platform.machine(), {}) if facilities.PROC else {}
        try:
            with open(f"/proc/self/task/{self.native_id}/syscall") as syscall:
                fields = syscall.read().split()
        except OSError:
            return False
        if not fields or not fields[0].isdigit() or int(fields[0]) not in calls:
            return False
        index, kind = calls[int(fields[0])]
        try:
            value = int(fields[index], 16)
        except (IndexError, ValueError):
            return False
        if kind == "pointer":
            return value == 0
        return value & 0xFFFFFFFF >= 0x80000000  # a negative int timeout: none

    def asleep_for_good(self, gap: float = 0.01) -> bool:
        """Has the serving thread slept through `gap` seconds in a wait with no timeout?

        Seen in such a wait (waits_for_ever) at both ends of the gap, and never woken in
        between (its count of voluntary context switches, which grows each time it wakes
        and sleeps again, is unchanged): it slept all along, and nothing but a client's
        bytes can wake it now. An idle server that does this would sleep
        through any longer window as well.
        """
        if not (self.thread.is_alive() and self.waits_for_ever()):
            return False
        before = self.wakeups()
        time.sleep(gap)
        return self.waits_for_ever() and self.wakeups() == before and self.thread.is_alive()

    def stuck(self) -> str:
        """A sentence (with a lesson) when the serving thread sleeps in a blocking socket
        call instead of in its wait for readiness; '' otherwise."""
        call = self.blocked_in() if self.thread.is_alive() else ""
        return _STUCK_LESSONS.get(call, "")

    def died(self, lesson: Lesson = None, wait: float = 0.2) -> str:
        """A sentence about how serve_forever ended early, or '' while it still runs.

        Called when a client saw something go wrong: a server that is failing gets a
        moment to finish failing (its sockets may close before its thread ends).
        `lesson` (or the one given to the constructor) may add an exercise's own words
        about the exception: it takes the exception and returns a sentence or ''.
        """
        self.thread.join(wait)
        if self.thread.is_alive():
            return ""
        if self.error is None:
            return "serve_forever returned although nobody called stop(). "
        if isinstance(self.error, NotImplementedError):
            raise self.error  # the stub: shown as a one-line TODO
        ended = f"serve_forever ended with {type(self.error).__name__}: {self.error}. "
        lesson = lesson or self.lesson
        extra = lesson(self.error) if lesson else ""
        if extra:
            ended += extra.rstrip() + " "
        return ended


# System call numbers of the socket calls that sleep when their socket is left blocking.
_BLOCKING_CALLS = {
    "x86_64": {43: "accept", 288: "accept", 0: "recv", 45: "recv", 47: "recv",
               1: "send", 44: "send", 46: "send"},
    "aarch64": {202: "accept", 242: "accept", 63: "recv", 207: "recv", 212: "recv",
                64: "send", 206: "send", 211: "send"},
}  # fmt: skip
# The readiness waits, by system call number: which argument (1-based, in
# /proc/<pid>/task/<tid>/syscall) is the timeout, and whether it is a pointer to a time
# (NULL: none) or an int of milliseconds (negative: none). Python's select.select() is
# pselect6 on current glibc, select.poll() poll, select.epoll() and asyncio epoll_wait.
_READINESS_WAITS = {
    "x86_64": {23: (5, "pointer"), 270: (5, "pointer"), 7: (3, "int"), 271: (3, "pointer"),
               232: (4, "int"), 281: (4, "int"), 441: (4, "pointer")},
    "aarch64": {72: (5, "pointer"), 73: (3, "pointer"), 22: (4, "int"), 441: (4, "pointer")},
}  # fmt: skip
# Socket methods that sleep when their socket is left blocking: what each is, for a lesson.
_SOCKET_CALLS = {
    "accept": "accept", "recv": "recv", "recv_into": "recv", "recvfrom": "recv",
    "recvfrom_into": "recv", "recvmsg": "recv", "send": "send", "sendall": "send",
    "sendto": "send", "sendmsg": "send",
}  # fmt: skip


def _socket_call_at(frame) -> tuple[str, object]:
    """('accept' / 'recv' / 'send', the socket) when `frame` is inside that call of a
    socket method, else ('', None).

    socket.socket.accept is Python code (it calls the C _accept): its own frame is on
    top. The other calls are C methods: the frame that made the call is on top, stopped
    at the call, whose source (co_positions) says which method of which object it is.
    The object is looked up, not evaluated: names, attributes and subscripts of dicts,
    lists and tuples only, read without running any of the server's code.
    """
    code = frame.f_code
    if code is socket.socket.accept.__code__:
        return "accept", frame.f_locals.get("self")
    positions = list(code.co_positions()) if hasattr(code, "co_positions") else []
    index = frame.f_lasti // 2  # one position per 2-byte code unit
    if not 0 <= index < len(positions) or None in positions[index]:
        return "", None
    line, end_line, column, end_column = positions[index]
    lines = linecache.getlines(code.co_filename, frame.f_globals)[line - 1 : end_line]
    if not lines:
        return "", None
    encoded = [text.encode() for text in lines]  # columns count UTF-8 bytes
    encoded[-1] = encoded[-1][:end_column]
    encoded[0] = encoded[0][column:]
    try:
        call = ast.parse(b"".join(encoded).decode().strip(), mode="eval").body
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return "", None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
        return "", None
    name = _SOCKET_CALLS.get(call.func.attr, "")
    if not name:
        return "", None
    return name, _look_up(call.func.value, frame)


_MISSING = object()


def _look_up(node, frame):
    """The value of a name / attribute / subscript expression in `frame`, found without
    calling anything (no properties, no __getitem__ of the server's classes)."""
    if isinstance(node, ast.Name):
        for scope in (frame.f_locals, frame.f_globals, vars(builtins)):
            if node.id in scope:
                return scope[node.id]
        raise LookupError(node.id)
    if isinstance(node, ast.Attribute):
        owner = _look_up(node.value, frame)
        value = inspect.getattr_static(owner, node.attr, _MISSING)
        if isinstance(value, types.MemberDescriptorType):  # a __slots__ entry: no code runs
            return value.__get__(owner, type(owner))
        if value is _MISSING or hasattr(type(value), "__get__"):
            raise LookupError(node.attr)  # a method, property or other descriptor
        return value
    if isinstance(node, ast.Subscript):
        container = _look_up(node.value, frame)
        key = node.slice.value if isinstance(node.slice, ast.Constant) else _look_up(node.slice, frame)
        if type(container) not in (dict, list, tuple):
            raise LookupError("subscript")
        return container[key]
    if isinstance(node, ast.Constant):
        return node.value
    raise LookupError(type(node).__name__)


_STUCK_LESSONS = {
    "accept": (
        "The serving thread is asleep inside accept(), not in its wait for readiness: the "
        "listening socket is blocking. Once the clients that were waiting are accepted, the "
        "next accept() waits for a client who has not come, and nobody else is served. Make "
        "the listener non-blocking (setblocking(False)) and stop accepting at "
        "BlockingIOError. (A readable listener is a hint, not a promise: a client that "
        "connects and goes before it is accepted can leave nothing to accept, and a "
        "blocking accept() then waits for the next one.) "
    ),
    "recv": (
        "The serving thread is asleep inside recv(): a client's socket is blocking, so "
        "the server waits for that one client while the others are not served. Make every "
        "accepted socket non-blocking (setblocking(False)), and recv() only what readiness "
        "says is there. "
    ),
    "send": (
        "The serving thread is asleep inside send(): a client's socket is blocking, and "
        "that client does not read, so the server waits for it while the others are not "
        "served. Make every accepted socket non-blocking and keep what send() did not take "
        "for the next writable turn. "
    ),
}

_stop_missed: list[Handle] = []  # servers that did not stop when asked, in this run


def _nudge(handle: Handle, wait: float = 0.2) -> None:
    """A connection that comes and goes: wakes a server stuck in select() so it can end."""
    with contextlib.suppress(OSError):
        socket.create_connection(handle.address, timeout=0.2).close()
    handle.thread.join(wait)


@contextlib.contextmanager
def running(server, *, stop_hint: str = STOP_HINT, lesson: Lesson = None):
    """Serve `server` in a thread; on the way out stop it and check that it stopped.

    Yields a ``Handle``. If serve_forever has not returned within ``STOP_WITHIN`` of
    stop(), the test fails with `stop_hint` (what stop() must do in this exercise); if
    serve_forever raised (before or after stop()), the test fails saying so. A failure
    inside the block stays the failure shown: a server that also failed to stop is then
    only nudged and excused from the harness's leak report.
    """
    handle = Handle(server, lesson)
    handle.thread.start()
    handle.started.wait(SOON)
    body_failed = True
    try:
        yield handle
        body_failed = False
    finally:
        # Stop an idle server, as a server is usually stopped: not one still at work on the
        # last reply, which would notice a stop flag on its own.
        handle.settled(0.3)
        ended_early = not handle.thread.is_alive()
        stop_error = None
        try:
            server.stop()
        except BaseException as exc:
            stop_error = exc
        # Once a stop() has been seen not to work, later tests need not wait as long.
        patience = 0.3 if (_stop_missed or body_failed) else STOP_WITHIN
        blocked = body_failed and handle.thread.is_alive() and handle.blocked_in(looks=2)
        if blocked:
            patience = 0.05  # asleep in a blocking socket call: told already, and no stop() reaches it
        handle.thread.join(patience)
        if handle.thread.is_alive():
            _stop_missed.append(handle)
            _nudge(handle, 0.05 if blocked else 0.2)
            if handle.thread.is_alive():
                guard.excuse(handle.thread)  # reported here, or the test's failure says enough
        if not body_failed:
            if stop_error is not None and not isinstance(stop_error, NotImplementedError):
                raise stop_error
            if handle in _stop_missed:
                pytest.fail(
                    f"serve_forever did not return within {patience:g} s of stop(). {stop_hint}",
                    pytrace=False,
                )
            if handle.error is not None and not isinstance(handle.error, NotImplementedError):
                if ended_early:
                    why = handle.died() + (
                        "Every client of this test was served, but the server crashed on the way."
                    )
                else:
                    why = (
                        f"serve_forever raised {type(handle.error).__name__}: {handle.error} "
                        "after stop(). It should return quietly once it has closed its sockets."
                    )
                pytest.fail(why, pytrace=False)


# --- clients ----------------------------------------------------------------------------------


@contextlib.contextmanager
def clients():
    """A list to put client sockets in; every one of them is closed afterwards."""
    opened: list[socket.socket] = []
    try:
        yield opened
    finally:
        for sock in opened:
            sock.close()


def connect(handle: Handle, opened: list, *, rcvbuf: int | None = None, hint: str = CONNECT_HINT):
    """A blocking client socket connected to the server, with a ``SOON`` timeout.

    It goes into `opened` (see ``clients``). `rcvbuf` sets a small receive buffer, which
    makes the server's sends to this client partial.
    """
    sock = _client_socket(opened, rcvbuf)
    try:
        sock.connect(handle.address)
        return sock
    except OSError as exc:
        _connect_failed(handle, repr(exc), hint)


def connect_many(handle: Handle, opened: list, count: int, *, hint: str = CONNECT_HINT) -> list:
    """`count` client sockets connected to the server, each as ``connect`` makes one.

    Every socket is made before the first connects: a socket() call lets the serving
    thread take the interpreter's lock, and a server woken by the connects before takes
    it every time (a crowd of 2,000 made one by one spends half its time so).
    """
    socks = [_client_socket(opened) for _ in range(count)]
    for sock in socks:
        try:
            sock.connect(handle.address)
        except OSError as exc:
            _connect_failed(handle, repr(exc), hint)
    return socks


def _client_socket(opened: list, rcvbuf: int | None = None) -> socket.socket:
    """A new blocking TCP socket with a ``SOON`` timeout, recorded in `opened`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    opened.append(sock)
    sock.settimeout(SOON)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    return sock


def _connect_failed(handle: Handle, failed: str, hint: str) -> None:
    died = handle.died()
    if died:
        why = "" if hint is CONNECT_HINT else f" {hint}"
        pytest.fail(f"{died}(A client then failed to connect: {failed}.){why}", pytrace=False)
    pytest.fail(f"Connecting a client failed: {failed}. {hint}", pytrace=False)


def in_time(handle: Handle, deadline: float, what: str, hint: str = "") -> None:
    """Fail when `deadline` (a time.monotonic() value) has passed, saying how far it got."""
    if time.monotonic() > deadline:
        pytest.fail(
            f"{handle.died()}{what} when the time for the whole crowd ({CROWD_SECONDS:g} s) "
            f"was up, and a free server needs a few ms for all of it. {hint}",
            pytrace=False,
        )


def receive(
    handle: Handle, sock, size: int, what, hint: str = "", *, deadline: float | None = None
) -> bytes:
    """Exactly `size` bytes from `sock`, or fail saying what was missing.

    `what` says what the client did: a string, or a function that writes it (called only
    on failure, when writing it costs something). Each recv() waits as long as the
    socket's timeout allows, and no later than `deadline` (a time.monotonic() value),
    when one is given: a crowd of clients waits on one deadline, not one each.
    """
    data = bytearray()
    started, timeout = time.monotonic(), sock.gettimeout()
    while len(data) < size:
        failed = None
        stuck = ""
        try:
            # Waited for in slices: between two, a server asleep in a blocking socket call
            # (it will not wake for this client) is told so at once.
            wait_started = time.monotonic()
            while True:
                left = float("inf") if timeout is None else timeout - (time.monotonic() - wait_started)
                if deadline is not None:
                    left = min(left, deadline - time.monotonic())
                sock.settimeout(max(0.001, min(left, STUCK_LOOK)))
                try:
                    chunk = sock.recv(min(size - len(data), 1 << 16))
                    break
                except socket.timeout:
                    chunk = None
                    if left <= STUCK_LOOK:
                        break
                    stuck = handle.stuck()
                    if stuck:
                        break
        except OSError as exc:
            failed = repr(exc)
        finally:
            sock.settimeout(timeout)
        if failed:
            what = what() if callable(what) else what
            pytest.fail(
                f"{handle.died()}{what}: the connection failed with {failed}. {hint}",
                pytrace=False,
            )
        if not chunk:
            what = what() if callable(what) else what
            happened = (
                f"nothing more came within {time.monotonic() - started:.1f} s"
                if chunk is None
                else "the server closed the connection"
            )
            stuck = stuck or (handle.stuck() if chunk is None else "")
            # A thread asleep in a blocking call is not on its way out: no need to wait.
            pytest.fail(
                f"{handle.died(wait=0 if stuck else 0.2)}{what}: {len(data)} of {size} bytes came back, then "
                f"{happened}. {stuck}{hint}",
                pytrace=False,
            )
        data += chunk
    return bytes(data)


def echo(handle: Handle, sock, message: bytes, what, hint: str = "") -> None:
    """Send `message` and expect exactly it back; fail with `what` and `hint` otherwise."""
    try:
        sock.sendall(message)
    except OSError as exc:
        failed = repr(exc)
    else:
        failed = None
    if failed:
        what = what() if callable(what) else what
        pytest.fail(f"{handle.died()}{what}: sending failed with {failed}. {hint}", pytrace=False)
    got = receive(handle, sock, len(message), what, hint)
    if got != message:
        what = what() if callable(what) else what
        pytest.fail(f"{what}: sent {message!r}, got back {got!r}. {hint}", pytrace=False)


def send_quietly(sock, message: bytes, seconds: float = 3 * SOON) -> None:
    """Send all of `message` unless `seconds` pass; a stall while nobody reads is allowed."""
    view, deadline = memoryview(message), time.monotonic() + seconds
    while view and time.monotonic() < deadline:
        try:
            view = view[sock.send(view) :]
        except socket.timeout:
            continue  # nothing was sent; the server may be waiting for us to read
        except OSError:
            return


def open_descriptors() -> int:
    """How many descriptors this process has open (both ends of every connection).

    Linux: /proc/self/fd; macOS: psutil's num_fds; Windows: this process's sockets, from
    psutil's connection table (its handle count has much else in it)."""
    if facilities.PROC:
        return len(os.listdir("/proc/self/fd"))
    import psutil

    process = psutil.Process()
    if facilities.WINDOWS:
        # Sockets are handles there, among threads, events and files that come and go on
        # their own: count this process's sockets (TCP and UDP, listening or connected).
        connections = getattr(process, "net_connections", None) or process.connections
        return len(connections(kind="inet"))
    return process.num_fds()


def wait_until(condition, seconds: float = SOON) -> bool:
    """Check `condition()` every 10 ms until it is true (True) or `seconds` pass (False)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@contextlib.contextmanager
def more_descriptors(needed: int):
    """Raise this process's soft limit on open files to `needed` for the block.

    Skips the test when the hard limit is lower; restores the old limit afterwards.
    Where there is no such limit to raise (Windows: no `resource`), does nothing.
    """
    if resource is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            pytest.skip(
                f"this test opens {needed} descriptors and the hard limit on open files "
                f"(ulimit -Hn) is {hard}; an administrator can raise it"
            )
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@contextlib.contextmanager
def descriptors_up_to(needed: int):
    """Raise this process's soft limit on open files toward `needed` for the block, as
    far as the hard limit (and the system) allows; yield the limit then in force, or None
    where there is no such limit (Windows: no `resource`; or unlimited). The caller sizes
    its work to what it got (macOS starts at 256). The old limit comes back afterwards.
    """
    limit = facilities.open_files_limit()
    if resource is None or limit is None:
        yield None
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        with contextlib.suppress(ValueError, OSError):  # macOS: past kern.maxfilesperproc
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    try:
        yield facilities.open_files_limit()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


# --- scenarios: whole tests, in the exercise's words ---------------------------------------


def many_clients_at_once(
    handle: Handle, opened: list, *, count: int = 50, rounds: int = 2, hint: str = "",
    deadline: float | None = None,
) -> None:
    """`count` clients connect and stay; in each round every one speaks, the last first.

    Each must get exactly its own bytes back. A server that serves one client until it
    leaves is still waiting for the first client when the last one speaks. All of it
    must be over by `deadline` (a time.monotonic() value; default: CROWD_SECONDS on).
    """
    # One deadline for all: a server that is merely slow for each client fails in
    # seconds, not after `count` timeouts in a row.
    if deadline is None:
        deadline = time.monotonic() + CROWD_SECONDS
    socks = []
    for _ in range(count):
        in_time(handle, deadline, (
            f"{len(socks)} of {count} clients had connected (a connect takes microseconds: "
            "when it crawls, the server's thread keeps the clients' thread from running, "
            "holding the GIL as it spins or blocks)"
        ), hint)  # fmt: skip
        socks.append(connect(handle, opened))
    for round_ in range(rounds):
        # Interleaved: every client sends before any reads, the last to connect first.
        for index in reversed(range(count)):
            in_time(handle, deadline, f"{count} clients were sending, {index + 1} still to go", hint)
            try:
                socks[index].sendall(b"client %d round %d;" % (index, round_))
            except OSError as exc:
                pytest.fail(
                    f"{handle.died()}{count} clients were connected at once and client "
                    f"{index} could not send: {exc!r}. {hint}",
                    pytrace=False,
                )
        for index in reversed(range(count)):
            message = b"client %d round %d;" % (index, round_)
            what = (
                f"{count} clients were connected at once, each sent a message (client "
                f"{count - 1} first, client 0 last), and client {index} waited for its echo"
            )
            got = receive(handle, socks[index], len(message), what, hint, deadline=deadline)
            if got != message:
                pytest.fail(
                    f"{what}: it sent {message!r} and got back {got!r}, not its own bytes. "
                    "Each connection needs its own buffer of pending output, sent back on "
                    f"that connection only. {hint}",
                    pytrace=False,
                )


def large_message_slow_reader(
    handle: Handle, opened: list, *, size: int = 1 << 20, hint: str = "", then_idle: bool = True
) -> None:
    """A client with a small receive buffer sends `size` bytes, then reads the echo slowly.

    It reads nothing until the sender is done and the server sleeps, then reads the echo
    in SLOW_READS gulps, letting the server sleep again after each. Every time, the echo
    pending in the server is more than its socket has room for, so the server's send()
    takes only part of what it is given, again and again. (A server that stops reading
    while output is pending is right too: then the sender stalls, and the reader starts
    after a moment.)

    With `then_idle`, the server must then sleep (``stays_idle``): a client that needed
    partial sends, and whose echo is all sent, is watched for reading only again.
    """
    message = bytes(range(256)) * (size // 256)
    size = len(message)
    label = f"{size >> 20} MiB" if size >= 1 << 20 else f"{size} bytes"
    sock = connect(handle, opened, rcvbuf=READER_BUFFER)
    sender = threading.Thread(
        target=send_quietly, args=(sock, message), name="slow client sender", daemon=True
    )
    sender.start()
    got = bytearray()
    try:
        # A reader that keeps pace with the server lets every send() be whole, and then a
        # server that drops the unsent tail of a partial send goes unseen (1 run in 5,
        # before these waits). So each gulp waits until the server has done all it can.
        if until_sent_or_stalled(handle, sender, sock):
            _wait_until_delivered(sock, handle)
        # Meanwhile the others are served: nothing waits for the client that does not read.
        other = connect(handle, opened)
        echo(
            handle, other, b"me too",
            f"a client sent {label} and was not reading its echo yet; another client spoke",
            "A server must never wait for one client's socket: with every client socket "
            "non-blocking, send() takes what fits and the rest waits in that client's "
            f"buffer while the others are served. {hint}",
        )  # fmt: skip
        for gulp in _gulps(size, SLOW_READS):
            handle.settled()
            got += receive(
                handle, sock, gulp,
                f"a client sent {label} while reading slowly; after {len(got)} bytes of "
                "the echo, the rest was cut short",
                hint or (
                    "send() on a non-blocking socket takes only what fits in the socket's "
                    "buffer and returns how many bytes that was: keep the rest and send it "
                    "when the socket is writable again."
                ),
            )  # fmt: skip
        if got == message:  # and the connection goes on as before
            echo(
                handle, sock, b"and again",
                f"a client got its {label} echo back whole, then spoke again",
                "Once a client's pending output is all sent, it is an ordinary client "
                "again: watch it for reading only, and keep it open.",
            )  # fmt: skip
            if then_idle:  # every client quiet now: nothing may stay watched for writing
                stays_idle(
                    handle,
                    after=(
                        f"a client got its {label} echo back through many partial sends, "
                        "and was echoed once more"
                    ),
                    lesson=(
                        "A socket is writable almost always: once a client's pending output "
                        "is all sent, stop asking whether it is writable (out of select's "
                        "write list; modify() back to EVENT_READ), or every wait returns at "
                        f"once, for ever. {hint}"
                    ),
                )  # fmt: skip
    finally:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)  # ends the sender, if it still runs
        sender.join(SOON)
    if got != message:
        where = next(i for i, (x, y) in enumerate(zip(got, message)) if x != y)
        pytest.fail(
            f"{label} came back, but it differs from what was sent from byte {where} on: "
            "bytes were reordered or repeated. Keep one buffer of pending output per client; "
            f"send from its front and delete exactly the bytes send() returned. {hint}",
            pytrace=False,
        )


SLOW_READS = 4  # gulps a slow reader takes the echo in, the server refilling between them
# The receive buffer of a client that reads a large echo (large_message_slow_reader,
# half_close_gets_whole_echo): small beside the 8 MiB echo, which is more than the server's
# send buffer grows to here (4 MiB) plus this, so the server's send() is partial again and
# again; not tiny, so the echo comes back in ~130 reads, not ~2,000 (0.1 s less per test).
READER_BUFFER = 64 << 10


def _gulps(size: int, count: int) -> list[int]:
    """`size` bytes split into `count` reads (the last takes what is left)."""
    step = max(1, size // count)
    return [step] * (count - 1) + [size - step * (count - 1)]


def _wait_until_delivered(sock, handle: Handle | None = None) -> None:
    """Wait (up to SOON) until the peer's kernel has every byte `sock` sent.

    sendall returns once the bytes are in this socket's send queue; they reach the
    server as its receive window opens. TIOCOUTQ tells how many are still queued (Linux).
    A server that stops reading never takes them all: then the wait just ends, at once
    when `handle` is given and the delivery is seen to have stalled (``_stalled``), else
    after SOON. Where there is no TIOCOUTQ, until the process is quiet (``_stalled``'s
    fallback: the server reads no more, whether all came or it stopped reading), with
    `handle`; at once without.
    """
    if not facilities.TIOCOUTQ:
        if handle is not None:
            deadline = time.monotonic() + SOON
            while time.monotonic() < deadline and handle.thread.is_alive() and not _stalled(handle, sock):
                pass
        return
    if handle is None:
        wait_until(lambda: _unsent(sock) == 0)
        return
    deadline = time.monotonic() + SOON
    while _unsent(sock) and time.monotonic() < deadline and not _stalled(handle, sock):
        pass


STALL_LOOK = 0.01  # seconds a stalled delivery is watched: the server asleep, never woken, nothing moved


def _stalled(handle: Handle, sock, pause: Callable[[float], object] = time.sleep) -> bool:
    """Has delivery from `sock` to the server stopped, with bytes still to go?

    Looked at over STALL_LOOK (`pause` waits it out; a sender's join ends it sooner): the
    serving thread sleeps (outside a wait for the interpreter's lock) at both ends and
    never woke in between (its count of voluntary context switches is unchanged), and
    `sock` still has the same number of bytes, more than none, to send. A server asleep
    all along has read nothing, so nothing it does will move them: it does not read this
    client while its echo is pending (backpressure), or it is stuck. A server that was
    awake (at work, or spinning), or whose sleep cannot be read, is looked at for 0.05 s
    and judged by the bytes alone.

    Where there is no TIOCOUTQ to count the bytes: nothing in this process moved over
    two looks of STALL_LOOK (``Handle.quiet``): the sender asleep in send(), the server
    asleep and not reading. (Two: a server woken by the bytes may wait a look for a CPU.)
    """
    if not facilities.TIOCOUTQ:
        return handle.quiet(STALL_LOOK, pause) and handle.quiet(STALL_LOOK, pause)
    handle.settled(0.1)
    asleep = handle.sleeping()
    before, woke = _unsent(sock), handle.wakeups()
    pause(STALL_LOOK)
    if before == 0 or _unsent(sock) != before:
        return False
    if asleep and handle.sleeping() and handle.wakeups() == woke:
        return True
    # Awake (at work, spinning) or woken meanwhile: judged by the bytes alone, over 0.05 s.
    pause(0.05 - STALL_LOOK)
    return _unsent(sock) == before


def _unsent(sock) -> int:
    """Bytes still in `sock`'s send queue (0 once the socket is closed, and wherever
    kata.platform has no TIOCOUTQ to ask: then every wait on it ends at once)."""
    if not facilities.TIOCOUTQ:
        return 0
    try:
        return struct.unpack("i", fcntl.ioctl(sock, termios.TIOCOUTQ, b"\0\0\0\0"))[0]
    except OSError:
        return 0


def reset_does_not_disturb(handle: Handle, opened: list, *, hint: str = "") -> None:
    """Three clients stay; three others each speak, send more, and reset (SO_LINGER 0).

    The three that stayed must still be served.
    """
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
            handle, sock, b"after",
            "after 3 other clients reset their connections (SO_LINGER 0), a client that "
            "stayed spoke",
            hint or (
                "A client that resets its connection makes recv() or send() raise "
                "ConnectionResetError (an OSError). Catch it, forget and close that "
                "client, and go on serving the others."
            ),
        )  # fmt: skip
    mid_echo = (
        "A peer that hangs up in the middle of its echo makes the server's send() (or "
        "drain()) raise BrokenPipeError or ConnectionResetError: both are OSErrors "
        "(ConnectionErrors). Catch them around sending as well as around receiving, close "
        "that client, and go on serving the others."
    )
    # A client hangs up in the middle of its echo: it sends more than its small receive
    # buffer holds, sees the echo begin, and resets while the rest is still to go. The
    # server's next send() to it raises ConnectionResetError or BrokenPipeError.
    # (More than the most a socket's send buffer grows to here, 4 MiB: some of the echo
    # must still wait in the server when the client goes.)
    hangup = connect(handle, opened, rcvbuf=4096)
    sent_all = False
    sender = threading.Thread(
        target=send_quietly, args=(hangup, bytes(range(256)) * (8 << 12)),
        name="hang-up client", daemon=True,
    )  # fmt: skip
    sender.start()
    try:
        sent_all = until_sent_or_stalled(handle, sender, hangup)
        receive(handle, hangup, 1, "a client sent 8 MiB and waited for its echo to begin", hint)
    finally:
        with contextlib.suppress(OSError):
            hangup.shutdown(socket.SHUT_WR)  # ends the sender's send at once
        sender.join(SOON)
    # Let the server take in all it is going to (a server that reads everything has seen
    # the end of input by then and has only the echo left to send), then reset.
    if sent_all and not handle.stuck():
        _wait_until_delivered(hangup, handle)
        handle.settled()
    hangup.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    hangup.close()  # linger 0: a reset, with most of the echo still to go
    # Another hangs up the same way without shutting down its sending side first: the
    # reset reaches a connection that is still read and has output pending.
    abrupt = connect(handle, opened, rcvbuf=4096, hint=f"{mid_echo} {hint}")
    sender = threading.Thread(
        target=send_quietly, args=(abrupt, bytes(range(256)) * (8 << 12), SOON),
        name="resetting client", daemon=True,
    )  # fmt: skip
    sender.start()
    try:
        until_sent_or_stalled(handle, sender, abrupt)
        receive(handle, abrupt, 1, "a client sent 8 MiB and waited for its echo to begin", hint)
    finally:
        if sender.is_alive():  # stalled (the server stopped reading it): end it
            with contextlib.suppress(OSError):
                abrupt.shutdown(socket.SHUT_WR)
        sender.join(SOON)
    # The server asleep first, with the echo pending: the reset then wakes it with the
    # connection readable (the reset) and writable (the pending echo) at once.
    if not handle.stuck():
        handle.settled()
    abrupt.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    abrupt.close()
    for sock in others:
        echo(
            handle, sock, b"still",
            "a client hung up (reset) while the server was still echoing 8 MiB to it; "
            "then a client that stayed spoke",
            f"{mid_echo} {hint}",
        )  # fmt: skip
    # And the server still takes new clients: the listener survived it all.
    late = connect(handle, opened)
    echo(
        handle, late, b"new here",
        "after the resets and the hang-up, a new client connected and spoke",
        f"{mid_echo} {hint}",
    )  # fmt: skip


def until_sent_or_stalled(handle: Handle, sender: threading.Thread, sock) -> bool:
    """Wait (up to 3 SOON) until `sender` has sent everything (True), or its sending has
    stalled (False): what `sock` still has to send stays the same while the server sleeps
    and never wakes (``_stalled``: a server that stops reading while its echo is pending,
    backpressure)."""
    deadline = time.monotonic() + 3 * SOON
    while sender.is_alive() and time.monotonic() < deadline:
        if _stalled(handle, sock, sender.join) and sender.is_alive():
            return False
    return not sender.is_alive()



def half_close_gets_whole_echo(
    handle: Handle, opened: list, *, size: int = 8 << 20, hint: str = ""
) -> None:
    """A client sends `size` bytes and shuts down its sending side; it gets the whole echo,
    then end of file. A client that sends nothing and shuts down gets end of file at once.

    Half-closing (shutdown(SHUT_WR)) is how a client says "that is all": recv() on the
    server returns b"" while its echo may still be pending. The client reads as it sends.
    """
    message = bytes(range(256)) * (size // 256)
    label = f"{size >> 20} MiB" if size >= 1 << 20 else f"{size >> 10} KiB"
    sock = connect(handle, opened, rcvbuf=READER_BUFFER)

    def send_then_half_close():
        send_quietly(sock, message)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)

    sender = threading.Thread(target=send_then_half_close, name="half-closing client", daemon=True)
    sender.start()
    try:
        # The client reads nothing until it has sent all and half-closed (or the server
        # stopped reading it): a server that reads everything has its end of input and
        # most of the echo still pending at the same time.
        if until_sent_or_stalled(handle, sender, sock):
            _wait_until_delivered(sock, handle)
            handle.settled()
        got = receive(
            handle, sock, len(message),
            f"a client sent {label} and shut down its sending side (shutdown(SHUT_WR)), "
            "then read its echo",
            "End of input (recv() returning b'') ends what the client sends, not what it is "
            "owed: echo every byte still pending, and close the connection only once that "
            f"is sent. {hint}",
        )  # fmt: skip
    finally:
        if sender.is_alive():
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # ends the sender, if it still runs
        sender.join(SOON)
    if got != message:
        pytest.fail(
            f"a client sent {label} and half-closed; {label} came back but not the same "
            f"bytes in the same order. {hint}",
            pytrace=False,
        )
    _expect_end(handle, sock, f"a client sent {label}, half-closed, and got its whole echo", hint)
    silent = connect(handle, opened)
    silent.shutdown(socket.SHUT_WR)
    _expect_end(handle, silent, "a client connected and shut down its sending side at once, "
                "without sending a byte", hint)  # fmt: skip


def _expect_end(handle: Handle, sock, what: str, hint: str) -> None:
    """The server closes `sock`'s connection (recv returns b'') within SOON."""
    try:
        rest = sock.recv(100)
    except socket.timeout:
        rest = None
    except OSError as exc:
        rest = exc
    if rest != b"":
        happened = (
            f"{SOON:g} s later the connection was still open"
            if rest is None
            else f"then got {rest!r}"
        )
        pytest.fail(
            f"{handle.died()}{what}: {happened}, where the server should have closed it. "
            "Once a client has ended its input and its echo is sent, close its socket. "
            f"{hint}",
            pytrace=False,
        )


def clients_that_leave_are_closed(
    handle: Handle, opened: list, *, count: int = 30, hint: str = "", lesson: str = ""
) -> None:
    """`count` clients come, speak and leave, one at a time; afterwards no descriptor is left.

    `hint` goes with a client that is not served; `lesson` with descriptors left open.
    """
    baseline = open_descriptors()
    for index in range(count):
        # One at a time: the numbers the last client's sockets had are free again and
        # come back at once, to the next client and the next accepted socket.
        with clients() as one:
            sock = connect(handle, one)
            echo(
                handle, sock, b"visitor %d" % index,
                f"client {index} connected after {index} others had come and left, and spoke",
                hint,
            )  # fmt: skip
    closed = wait_until(lambda: open_descriptors() <= baseline)
    if not closed:
        pytest.fail(
            f"{handle.died()}{count} clients connected and left; {SOON:g} s later this "
            f"process still has {open_descriptors() - baseline} more descriptors open than "
            "before they came. When recv() returns b'' the client has gone: close its "
            "socket and forget it, or the server keeps one descriptor per departed "
            f"client. {lesson}",
            pytrace=False,
        )


def one_thread_serves(handle: Handle, opened: list, *, count: int = 20, lesson: str = "") -> None:
    """`count` clients connected at once and served, and no new thread appeared meanwhile."""
    before = {t.ident for t in threading.enumerate()}
    socks = [connect(handle, opened) for _ in range(count)]
    for sock in socks:
        echo(handle, sock, b"who serves me?", "a client spoke")
    during = [t for t in threading.enumerate() if t.ident not in before]
    if during:
        names = ", ".join(sorted({t.name for t in during})[:5])
        pytest.fail(
            f"while {count} clients were connected, {len(during)} new threads were running "
            f"({names} ...). Every client should be served from the one thread that runs "
            f"serve_forever. {lesson}",
            pytrace=False,
        )


IDLE_SHARE = 0.15  # of the time: an idle server busy this much is spinning
FIRST_LOOK = 0.06  # seconds: a server plainly asleep for this long has passed
PLAINLY_ASLEEP = 0.03  # of the time, over FIRST_LOOK: a spinning server is busy far more
SPINNING_RATE = 1000  # wake-ups a second: a loop that never waits (a timeout poller: ~200)
SLEEP_LOOK = 0.01  # seconds: a thread asleep with no timeout at both ends of this, never woken, sleeps on
# Where only the whole process's wake-ups are counted (WAKEUPS_EXACT false): one more is
# allowed (another thread's), and a cap on wake-ups is judged over at least POLL_WINDOW,
# in which a server that polls with a timeout of 0.2 s wakes twice or more.
WAKEUPS_SPARE = 1
POLL_WINDOW = 0.6
# ... and a thread not plainly asleep over its window (it used CPU, or woke) is watched
# for UNCLEAR_WINDOW in all. Without run-queue time, a spinning thread on a loaded
# machine shows only the slices it gets (6% of a core, seen at load 10 on 2 cores) and
# the preemption that ends each: it spins when it used AWAKE_SHARE of the time and was
# switched off a CPU PREEMPTED_RATE times a second or more. An idle server that sleeps
# reads 0 CPU and 0 wake-ups here; one that polls with a timeout wakes but uses no CPU.
UNCLEAR_WINDOW = 0.6
AWAKE_SHARE = 0.03
PREEMPTED_RATE = 20


def _idle_window(handle: Handle, window: float, *, may_end_early: bool = False):
    """Let the server settle, then measure its thread over `window` seconds of nothing.

    With `may_end_early` (the caller judges CPU use only), the verdict comes after
    FIRST_LOOK when the thread plainly slept (busy under PLAINLY_ASLEEP of the time, its
    CPU time read from its nanosecond clock): a spinning thread is busy several times that on a loaded
    machine, or else wakes thousands of times a second, which the caller judges from the
    count returned. Anything less clear is watched for the whole window. Sooner still,
    whatever the caller judges: a thread asleep in select, poll or epoll_wait with no
    timeout, not woken over SLEEP_LOOK (Handle.asleep_for_good), would sleep through any
    window (only a client could wake it, and every client is quiet).
    Returns (seconds busy: running or waiting for a CPU, seconds elapsed, times it woke up).

    Where one thread's wake-ups cannot be read (no /proc, WAKEUPS_EXACT false), its CPU
    time comes from psutil (kata.platform.thread_cpu_seconds) and the wake-ups counted are
    the whole process's, less the watching thread's own wait (OWN_WAKEUPS): every client
    is quiet, so the serving thread is the only one with a reason to wake.
    """
    handle.settled()
    before, woke, started = handle.busy_seconds(), handle.wakeups(), time.monotonic()
    # Nothing to do: every client is connected and quiet, nothing is pending. A thread
    # that sleeps through a short look in a wait with no timeout sleeps through any
    # window: only a client could wake it, and every client is quiet.
    if handle.asleep_for_good(SLEEP_LOOK):
        used, elapsed = handle.busy_seconds() - before, time.monotonic() - started
        return used, elapsed, handle.wakeups() - woke
    if may_end_early and THREAD_CPU_CLOCK and window > FIRST_LOOK:
        time.sleep(FIRST_LOOK)
        used, elapsed = handle.busy_seconds() - before, time.monotonic() - started
        if used < PLAINLY_ASLEEP * elapsed and handle.thread.is_alive():
            return used, elapsed, handle.wakeups() - woke
    time.sleep(max(0.0, window - (time.monotonic() - started)))
    used, elapsed = handle.busy_seconds() - before, time.monotonic() - started
    if not WAKEUPS_EXACT and (used > 0 or handle.wakeups() - woke > OWN_WAKEUPS + WAKEUPS_SPARE):
        # Not plainly asleep, and no run-queue time to tell a spinning thread that gets
        # little CPU on a loaded machine from one that merely woke: watch longer, for
        # CPU time counted in ticks to add up.
        time.sleep(max(0.0, UNCLEAR_WINDOW - (time.monotonic() - started)))
        used, elapsed = handle.busy_seconds() - before, time.monotonic() - started
    woke = handle.wakeups() - woke
    if not WAKEUPS_EXACT:
        woke = max(0, woke - OWN_WAKEUPS)
    if not handle.thread.is_alive():
        ended = handle.died() or "serve_forever ended while its clients were idle. "
        pytest.fail(ended, pytrace=False)
    return used, elapsed, woke


def idle_burns_no_cpu(
    handle: Handle, opened: list, *, count: int = 5, window: float = 0.2, lesson: str = "",
    max_wakeups: int | None = None, wakeup_lesson: str = "",
) -> None:
    """With `count` idle clients, the serving thread does not spin over `window` s.

    It is busy under IDLE_SHARE of the time, and wakes fewer than SPINNING_RATE times a second.

    (Or over a shorter look, when it plainly slept through it and `max_wakeups` is None.)

    With `max_wakeups`, it must also sleep through the window: wake from its wait at most
    that many times (a server that polls with a timeout wakes once per timeout).
    A server seen asleep with no timeout at all has passed without the whole window
    (``_idle_window``). Where only the whole process's wake-ups are counted (no /proc:
    WAKEUPS_EXACT false), the window is at least POLL_WINDOW and WAKEUPS_SPARE more are
    allowed.
    """
    socks = [connect(handle, opened) for _ in range(count)]
    for sock in socks:
        echo(handle, sock, b"ping", "a client spoke")
    # A cap on wake-ups needs the whole window: a server polling with a timeout wakes
    # only once per timeout, and uses next to no CPU doing it.
    allowed = max_wakeups
    if max_wakeups is not None and not WAKEUPS_EXACT:
        window, allowed = max(window, POLL_WINDOW), max_wakeups + WAKEUPS_SPARE
    used, elapsed, woke = _idle_window(handle, window, may_end_early=max_wakeups is None)
    # Busy and woken too often both: on a loaded machine a poller's many wake-ups, each
    # waiting for a CPU, add up to a busy thread, and a spinning loop is woken whenever it
    # waits for the interpreter's lock. Which came first cannot be told, so both lessons.
    spinning = _spinning_message(
        used, elapsed, woke,
        situation=f"with {count} idle clients and nothing to send, the serving thread",
        first=f"all {count} clients echoed, then quiet",
        lesson=(
            "An idle server should sleep in the kernel until a socket is ready; this one "
            f"keeps waking up. {lesson}"
        ),
    )  # fmt: skip
    polling = None
    if allowed is not None and woke > allowed:
        polling = (
            f"with {count} idle clients and nothing to send, the serving thread woke up "
            f"{woke} times in {elapsed:.2f} s (once every {elapsed / woke:.3f} s):\n"
            f"  0.00 s  all {count} clients echoed, then quiet\n"
            f"  {elapsed:.2f} s  {woke} wake-ups with nothing to do, expected none\n"
            "An idle server should sleep until a socket is ready, with no timeout: a "
            f"timeout only wakes it to find nothing to do. {wakeup_lesson}"
        )
    if spinning or polling:
        pytest.fail("\n".join(m for m in (spinning, polling) if m), pytrace=False)


def _spinning_message(
    used: float, elapsed: float, woke: int, *, situation: str, first: str, lesson: str
) -> str | None:
    """What to say when a thread that had nothing to do spun: it was busy, or woke
    thousands of times a second (on a busy machine, or waiting for the GIL, a spinning
    thread can get little CPU, but it still never stays asleep); None when it did not.
    Where only the process's wake-ups are counted (no /proc), also when it used
    AWAKE_SHARE of the time and was switched off a CPU PREEMPTED_RATE times a second."""
    preempted = not WAKEUPS_EXACT and used >= AWAKE_SHARE * elapsed and woke >= PREEMPTED_RATE * elapsed
    if used >= IDLE_SHARE * elapsed or woke >= SPINNING_RATE * elapsed or preempted:
        return (
            f"{situation} was busy (on a CPU, or waiting for one) {used:.2f} s of "
            f"{elapsed:.2f} s ({used / elapsed:.0%}) and woke up {woke} times:\n"
            f"  0.00 s  {first}\n"
            f"  {elapsed:.2f} s  serving thread busy {used / elapsed:.0%} of the time, "
            f"awake {woke} times, expected ~0% and none\n"
            f"{lesson}"
        )
    return None


def _fail_if_spinning(
    used: float, elapsed: float, woke: int, *, situation: str, first: str, lesson: str
) -> None:
    message = _spinning_message(used, elapsed, woke, situation=situation, first=first, lesson=lesson)
    if message:
        pytest.fail(message, pytrace=False)


def stays_idle(handle: Handle, *, after: str, lesson: str = "", window: float = timing.WATCH) -> None:
    """Every client is quiet now (`after` says what came before): the serving thread does
    not spin over `window` seconds (busy under IDLE_SHARE of the time, fewer than SPINNING_RATE
    wake-ups a second; a shorter look when it plainly sleeps). `lesson` says why it might.
    """
    used, elapsed, woke = _idle_window(handle, window, may_end_early=True)
    _fail_if_spinning(
        used, elapsed, woke,
        situation=f"{after}; then, with every client quiet, the serving thread",
        first=f"{after}; all quiet",
        lesson=f"An idle server should sleep until a socket is ready. {lesson}",
    )  # fmt: skip


def urgent_data_does_not_disturb(
    handle: Handle, opened: list, *, window: float = 0.2, hint: str = ""
) -> None:
    """A client sends one byte of TCP urgent data (MSG_OOB); the server neither crashes nor spins.

    The others are still served afterwards. What becomes of the urgent client is up to
    the server (it may drop the byte, or the client).
    """
    others = [connect(handle, opened) for _ in range(2)]
    urgent = connect(handle, opened)
    for sock in [*others, urgent]:
        echo(handle, sock, b"before", "a client spoke")
    urgent.send(b"!", socket.MSG_OOB)
    for sock in others:
        echo(
            handle, sock, b"after",
            "after another client sent a byte of urgent data (MSG_OOB), a client spoke", hint,
        )  # fmt: skip
    used, elapsed, woke = _idle_window(handle, window, may_end_early=True)
    _fail_if_spinning(
        used, elapsed, woke,
        situation=(
            "a client sent one byte of urgent (out-of-band) data, then every client was "
            "quiet; the serving thread then"
        ),
        first="a client sends b'!' with MSG_OOB; the others are echoed",
        lesson=(
            "Readiness is level-triggered: a condition nobody handles is reported again on "
            f"every call. {hint}"
        ),
    )  # fmt: skip


# Sockets made while a stop test watches, held (strongly) so that only a close() closes
# them: a server that lets go of a socket without closing it leaves it open here, where
# the garbage collector would have closed it for it. Filled by an audit hook
# ("socket.__new__": socket(), accept(), socketpair(), create_connection(), dup()).
_kept_sockets: list | None = None
_audit_hook_added = False


def _keep_new_sockets(event: str, args) -> None:
    if event == "socket.__new__":
        kept = _kept_sockets
        if kept is not None:
            kept.append(args[0])


@contextlib.contextmanager
def _holding_new_sockets():
    """Yield a list that receives every socket object made meanwhile, in any thread."""
    global _kept_sockets, _audit_hook_added
    import sys

    if not _audit_hook_added:
        sys.addaudithook(_keep_new_sockets)  # for the process's life: it costs one test
        _audit_hook_added = True
    kept: list = []
    _kept_sockets = kept
    try:
        yield kept
    finally:
        _kept_sockets = None


def _what_socket(sock, address) -> str:
    """'a client connection' / 'the listening socket' / 'a socketpair end' / ..., for a message."""
    if sock.family == getattr(socket, "AF_UNIX", None):
        return "a socketpair end (the wake-up pair?)"
    try:
        sock.getpeername()
    except OSError:
        return "the listening socket" if sock.getsockname()[:2] == tuple(address) else "a socket"
    return "a client's connection (accepted)"


def stop_closes_every_socket(
    make_server, *, stop_hint: str = STOP_HINT, lesson: Lesson = None, hint: str = ""
) -> None:
    """Serve 5 clients, stop; serve_forever returns and every socket is closed.

    `make_server` builds the server (it is built here, so that its sockets are counted).
    `hint` says how this exercise closes everything on the way out of serve_forever.

    Every socket the server makes is held by the test meanwhile, as anything else in a
    program may hold it: by the time serve_forever returns, the server must have closed
    each one itself (a socket it merely lets go of would be closed only by the garbage
    collector, whenever that comes, and its client would wait until then). Each client
    then sees the end of its connection.
    """
    with clients() as opened, _holding_new_sockets() as made:
        baseline = open_descriptors()
        handle = None
        try:
            with running(make_server(), stop_hint=stop_hint, lesson=lesson) as handle:
                socks = [connect(handle, opened) for _ in range(5)]
                for sock in socks:
                    echo(handle, sock, b"still here", "a client spoke")
            # running() has called stop() and seen serve_forever return.
            ours = {id(sock) for sock in opened}
            still_open = [s for s in made if id(s) not in ours and s.fileno() != -1]
            if still_open:
                kinds = [_what_socket(s, handle.address) for s in still_open]
                listed = ", ".join(f"{kinds.count(k)} x {k}" for k in dict.fromkeys(kinds))
                pytest.fail(
                    f"serve_forever returned after stop(), but the server left {len(still_open)} "
                    f"sockets it made open: {listed}. Only close() closes a socket for "
                    "sure: one the server merely lets go of is left to the garbage "
                    "collector (CPython closes it when its last reference goes, with a "
                    "ResourceWarning, 'unclosed socket'), and anything still holding it (a "
                    "traceback, a list, this test) keeps it open, so its client waits for an "
                    f"end that does not come. Close every socket yourself on the way out. {hint}",
                    pytrace=False,
                )
        finally:
            if handle is not None and not handle.thread.is_alive():
                mine = {id(sock) for sock in opened}
                for sock in made:
                    if id(sock) not in mine and sock.fileno() != -1:
                        sock.close()  # what a wrong server left open
        left = open_descriptors() - baseline - len(socks)
        if left > 0:
            pytest.fail(
                f"serve_forever returned after stop(), but the server left {left} "
                "descriptors open: its listening socket, its wake-up sockets, its clients' "
                f"sockets, or whatever it waits with. {hint}",
                pytrace=False,
            )
        for sock in socks:
            sock.settimeout(SOON)
            try:
                data = sock.recv(10)
            except OSError:
                data = b""
            if data != b"":
                pytest.fail(
                    f"after stop() a client still got {data!r}; its connection should be "
                    f"closed. {hint}",
                    pytrace=False,
                )


def check_two_ports(first, second):
    """Two servers made with the defaults listen on two different ports, neither 0."""
    ports = (first.address[1], second.address[1])
    if type(ports[0]) is not int or 0 in ports or ports[0] == ports[1]:
        pytest.fail(
            f"two servers made with the defaults listen on ports {ports}: the default port "
            "is 0, which asks the system for a free port; address is the one it chose "
            "(getsockname()).",
            pytrace=False,
        )


def stop_before_serving(make_server, *, stop_hint: str = STOP_HINT, hint: str = "") -> None:
    """stop() called before serve_forever: serve_forever, called after it, returns at
    once (the stop is not lost), raises nothing and leaves no descriptor open.

    `make_server` builds the server (here, so that its sockets are counted).
    """
    baseline = open_descriptors()
    server = make_server()
    try:
        server.stop()  # nobody serves yet
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(
            f"stop() was called on a new server before serve_forever, and raised {exc!r}. "
            "The wake-up pair exists from the constructor on, so stop() can write its byte "
            f"at any time; serve_forever finds it when it first looks. {stop_hint}",
            pytrace=False,
        )
    handle = Handle(server)
    handle.thread.start()
    handle.thread.join(STOP_WITHIN)
    if handle.thread.is_alive():
        with contextlib.suppress(Exception):
            server.stop()  # again, now that it waits: lets the thread end
        handle.thread.join(0.2)
        if handle.thread.is_alive():
            _nudge(handle)
            guard.excuse(handle.thread)
        pytest.fail(
            f"stop() was called before serve_forever; then serve_forever was called, and "
            f"{STOP_WITHIN:g} s later it had not returned: the stop was lost. A stop() that "
            "comes before the loop first waits must still end it: the byte written to the "
            "socketpair stays there until the loop looks, so do not empty (or replace) the "
            "pair when serve_forever starts, and do not reset a stop flag there. "
            f"{stop_hint}",
            pytrace=False,
        )
    if handle.error is not None:
        if isinstance(handle.error, NotImplementedError):
            raise handle.error
        pytest.fail(
            "stop() was called before serve_forever; then serve_forever raised "
            f"{type(handle.error).__name__}: {handle.error}. {hint}",
            pytrace=False,
        )
    if not wait_until(lambda: open_descriptors() <= baseline):
        pytest.fail(
            "stop() came before serve_forever, which then returned, but the server left "
            f"{open_descriptors() - baseline} descriptors open. {hint}",
            pytrace=False,
        )


def stop_at_once_and_twice(make_server, *, stop_hint: str = STOP_HINT, hint: str = "") -> None:
    """stop() called at once after serve_forever starts (before it may have begun to wait)
    ends it; stop() called again after that raises nothing; no descriptor is left.

    `make_server` builds the server (here, so that its sockets are counted).
    """
    baseline = open_descriptors()
    server = make_server()
    handle = Handle(server)
    handle.thread.start()
    server.stop()  # at once: serve_forever may not even have started
    handle.thread.join(STOP_WITHIN)
    if handle.thread.is_alive():
        _nudge(handle)
        guard.excuse(handle.thread)
        pytest.fail(
            f"stop() was called at once after serve_forever started, and {STOP_WITHIN:g} s "
            "later serve_forever had not returned. A stop() that comes before the loop "
            "first waits must not be lost: the byte written to the socketpair stays there "
            f"until the loop looks. {stop_hint}",
            pytrace=False,
        )
    if handle.error is not None:
        if isinstance(handle.error, NotImplementedError):
            raise handle.error
        pytest.fail(
            f"stop() was called at once after serve_forever started, and serve_forever "
            f"raised {type(handle.error).__name__}: {handle.error}. {hint}",
            pytrace=False,
        )
    try:
        server.stop()
        again = None
    except Exception as exc:
        again = exc
    if again is not None:
        pytest.fail(
            f"serve_forever had returned after stop(); a second stop() raised {again!r}. "
            "stop() may be called more than once (a shutdown handler and a finally clause "
            "both call it): once the server is closed, it does nothing (catch the OSError "
            f"of writing to a closed socketpair). {hint}",
            pytrace=False,
        )
    if not wait_until(lambda: open_descriptors() <= baseline):
        pytest.fail(
            "serve_forever returned after a stop() that came at once, but the server left "
            f"{open_descriptors() - baseline} descriptors open. {hint}",
            pytrace=False,
        )
