"""Tests for 18_asyncio. Run them with:  pytest exercises/18_asyncio

The first four tests run gather_throttled in a fresh event loop (asyncio.run) inside a
helper thread that the test gives up on after a moment: the coroutines it runs are the
test's own, and they report what they do with asyncio.Events, so nothing here sleeps and
hopes. A failure shows a timeline of which coroutine started and finished when.

The other tests serve the learner's start_echo_server from an event loop running in a
thread (AsyncioEchoServer below gives it the .address / serve_forever() / stop() shape
that kata/echo.py, the toolkit of every echo-server exercise, expects) and talk to it
with plain blocking clients, every wait bounded by a socket timeout. Every task, the
loop and every socket is closed when a test ends, pass or fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import socket
import threading
import time

import pytest

from kata import echo, finishes_within, implementation, timing

aioecho = implementation("aioecho")

SOON = timing.AT_ONCE  # seconds to wait for something that should happen at once

BLOCKED_LOOP = (
    "The event loop never got control back: something in the coroutines blocks the "
    "thread (time.sleep, a blocking socket call, a busy loop without await), so no other "
    "coroutine, and no timeout, can run. Every wait inside a coroutine must be an await."
)


# --- gather_throttled: helpers -----------------------------------------------------------


def check(condition, message: str) -> None:
    """Fail with `message` alone (not the test's source) when `condition` is false."""
    if not condition:
        pytest.fail(message, pytrace=False)


def innermost(exc: BaseException) -> BaseException:
    """`exc` with only its innermost traceback entry: the line that raised it.

    A stub's NotImplementedError reaches the test through the event loop's machinery;
    the harness shows it as one TODO line from its innermost entry, and pytest need not
    first render dozens of asyncio frames that nobody will see.
    """
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return exc.with_traceback(tb)


def run_loop(main, seconds: float = 2 * SOON):
    """asyncio.run(main()) in a helper thread: a fresh loop, closed at the end.

    Bounded twice: inside the loop by asyncio.timeout (the loop cancels main and every
    task it started, and closes), and from outside by finishes_within, for code that
    blocks the loop itself so that no timeout inside it can fire.
    """

    async def bounded():
        try:
            async with asyncio.timeout(seconds):
                return await main()
        except TimeoutError:
            pytest.fail(
                f"The test's coroutine did not finish within {seconds:g} s: gather_throttled "
                "is waiting for something that never happens (see the checks above it).",
                pytrace=False,
            )

    try:
        return finishes_within(seconds + SOON, asyncio.run, bounded(), explain=BLOCKED_LOOP)
    except NotImplementedError as exc:
        raise innermost(exc) from None


class Board:
    """What the test's coroutines did, in order, and how many ran at once."""

    def __init__(self):
        self.log: list[str] = []
        self.called = 0  # factories called
        self.running = 0  # coroutines between their first step and their end
        self.finished = 0
        self.most_running = 0
        self.most_called_unfinished = 0  # factories called whose coroutine had not finished
        self.changed = asyncio.Event()

    def note(self, what: str) -> None:
        self.log.append(f"{what:<28} ({self.running} running)")
        self.most_running = max(self.most_running, self.running)
        self.most_called_unfinished = max(self.most_called_unfinished, self.called - self.finished)
        self.changed.set()

    async def until(self, condition, seconds: float = SOON) -> bool:
        """Wait (bounded) until condition() holds; every change of the board wakes us."""
        deadline = asyncio.get_running_loop().time() + seconds
        while not condition():
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return False
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except TimeoutError:
                return condition()
        return True

    def watch(self, awaitable) -> asyncio.Future:
        """Run awaitable as a task whose end, too, wakes whoever waits in until()."""
        task = asyncio.ensure_future(awaitable)
        task.add_done_callback(lambda _: self.changed.set())
        return task

    def timeline(self, limit: int = 40) -> str:
        lines = [f"  {step:>2}. {what}" for step, what in enumerate(self.log[:limit], 1)]
        if len(self.log) > limit:
            lines.append(f"      ... {len(self.log) - limit} more")
        return "\n".join(lines) or "  (nothing happened)"


def factory_for(board: Board, index: int, body):
    """A factory that, when called, notes it and returns a coroutine running body()."""

    def factory():
        board.called += 1
        board.note(f"factory {index} called")

        async def work():
            board.running += 1
            board.note(f"coroutine {index} starts")
            try:
                return await body()
            finally:
                board.running -= 1
                board.finished += 1
                board.note(f"coroutine {index} ends")

        return work()

    return factory


# --- gather_throttled: the tests ---------------------------------------------------------


def test_results_come_back_in_the_order_of_the_factories():
    count = 5

    async def main():
        board = Board()
        # Coroutine 4 finishes first and lets 3 finish, which lets 2 finish, and so on:
        # they finish in the reverse of the order they were given in.
        gates = [asyncio.Event() for _ in range(count)]

        def body(index):
            async def run():
                if index < count - 1:
                    await gates[index].wait()
                if index:
                    gates[index - 1].set()
                return f"result {index}"

            return run

        factories = (factory_for(board, i, body(i)) for i in range(count))  # any iterable
        try:
            results = await asyncio.wait_for(aioecho.gather_throttled(factories, count), SOON)
        except TimeoutError:
            results = TimeoutError
        nothing = await aioecho.gather_throttled([], 3)
        try:
            single = await asyncio.wait_for(
                aioecho.gather_throttled([lambda i=i: asyncio.sleep(0, i) for i in range(3)], 1),
                SOON,
            )
        except (ValueError, TimeoutError) as exc:
            single = exc
        try:
            zero = await asyncio.wait_for(aioecho.gather_throttled([board.watch], 0), SOON / 2)
        except (ValueError, TimeoutError) as exc:
            zero = exc
        return board, results, nothing, zero, single

    board, results, nothing, zero, single = run_loop(main)
    if results is TimeoutError:
        pytest.fail(
            f"gather_throttled(5 factories, limit=5) did not finish within {SOON:g} s:\n"
            f"{board.timeline()}\n"
            "Coroutine 0 can only finish after coroutine 1 has, so the five must run at the "
            "same time, as limit=5 allows. Awaiting one coroutine after another runs them in "
            "turn: start them all as tasks (asyncio.gather) and let a semaphore hold back "
            "the ones over the limit.",
            pytrace=False,
        )
    expected = [f"result {i}" for i in range(count)]
    check(results == expected, (
        f"gather_throttled returned {results!r}; expected {expected!r}. The coroutines "
        "finished in the reverse order:\n"
        f"{board.timeline()}\n"
        "The results must be in the order of the factories, not the order the coroutines "
        "finished in: asyncio.gather keeps its arguments' order (asyncio.as_completed and "
        "appending as each ends do not)."
    ))
    check(type(nothing) is list and nothing == [], f"gather_throttled([], 3) returned {nothing!r}; expected []")
    check(type(single) is list and single == [0, 1, 2], (
        f"gather_throttled(3 factories, limit=1) gave {single!r}; expected [0, 1, 2]. A "
        "limit of 1 is the smallest allowed: one at a time. Only a limit below 1 raises "
        "ValueError."
    ))
    check(isinstance(zero, ValueError), (
        "gather_throttled(factories, limit=0) "
        + ("waited for ever" if isinstance(zero, TimeoutError) else f"returned {zero!r}")
        + ": with no slot at all nothing can ever run (a Semaphore(0) never lets anyone "
        "in). Check the limit first and raise ValueError when it is below 1."
    ))


def test_never_more_than_limit_at_once_and_the_limit_is_reached():
    limit, count = 3, 10

    async def main():
        board = Board()
        tokens = asyncio.Queue()  # each token lets one running coroutine end

        async def body():
            await tokens.get()

        factories = [factory_for(board, i, body) for i in range(count)]
        gathering = board.watch(aioecho.gather_throttled(factories, limit))
        for released in range(count):
            expected = min(limit, count - released)
            if not await board.until(lambda: board.running >= expected or gathering.done()):
                break
            # Give an unthrottled implementation every chance to start one too many: a
            # few turns of the loop, in which nothing here finishes.
            for _ in range(5):
                await asyncio.sleep(0)
            if gathering.done() or board.running < expected:
                break
            tokens.put_nowait(None)
            finished = board.finished
            if not await board.until(lambda: board.finished > finished or gathering.done()):
                break
        for _ in range(count):  # whatever happened, let everything end
            tokens.put_nowait(None)
        results = await asyncio.wait_for(gathering, SOON)
        return board, results

    board, results = run_loop(main)
    check(board.most_running <= limit, (
        f"gather_throttled(10 factories, limit={limit}) ran {board.most_running} coroutines "
        f"at once:\n{board.timeline()}\n"
        "At most `limit` may run at the same time. Create ONE asyncio.Semaphore(limit) per "
        "call, before the tasks, and let every task hold it while it runs (async with). A "
        "semaphore created inside each task admits everybody: each has its own."
    ))
    check(board.most_running == limit, (
        f"gather_throttled(10 factories, limit={limit}) never ran more than "
        f"{board.most_running} at once, although {limit} may:\n{board.timeline()}\n"
        "Awaiting the coroutines one after another runs them in turn: start them all as "
        "tasks (asyncio.gather, create_task) and let the semaphore hold back all but "
        f"{limit}."
    ))
    check(results == [None] * count, f"gather_throttled returned {results!r}")


def test_a_factory_is_called_only_when_a_slot_is_free():
    limit, count = 2, 6

    async def main():
        board = Board()
        tokens = asyncio.Queue()

        async def body():
            await tokens.get()

        factories = [factory_for(board, i, body) for i in range(count)]
        gathering = board.watch(aioecho.gather_throttled(factories, limit))
        await board.until(lambda: board.running >= limit or gathering.done())
        for _ in range(5):
            await asyncio.sleep(0)
        called_early = board.called
        for _ in range(count):
            tokens.put_nowait(None)
        try:
            results = await asyncio.wait_for(gathering, SOON)
        except TimeoutError:
            results = TimeoutError
        return board, called_early, results

    board, called_early, results = run_loop(main)
    check(board.called == count and board.finished == count and board.most_running == limit, (
        f"gather_throttled(6 factories, limit={limit}) called {board.called} factories, "
        f"{board.finished} coroutines finished, at most {board.most_running} ran at once:\n"
        f"{board.timeline()}\n"
        f"Expected: every factory called once, its coroutine awaited to the end, {limit} "
        "at a time."
    ))
    check(type(results) is list and results == [None] * count, (
        f"gather_throttled returned {results!r}; expected a list of the {count} results "
        "(each coroutine here returns None), in the order of the factories."
    ))
    check(board.most_called_unfinished <= limit, (
        f"with limit={limit}, {called_early} of the {count} factories had been called "
        f"while only {limit} coroutines could run:\n{board.timeline()}\n"
        "A factory makes the work; calling it may already cost something (open a "
        "connection, allocate a buffer), which is why gather_throttled takes factories "
        "and not coroutines. Call each factory only once its task holds a slot of the "
        "semaphore: `async with slots: return await factory()`."
    ))


class Boom(Exception):
    """The error one of the test's coroutines raises."""


def test_the_first_error_propagates_at_once_and_cancels_the_rest():
    limit = 3

    async def main():
        board = Board()
        cancelled: list[int] = []
        all_started = asyncio.Event()

        def waits_forever(index):
            async def run():
                try:
                    await asyncio.Event().wait()  # never set: only cancellation ends it
                except asyncio.CancelledError:
                    cancelled.append(index)
                    for _ in range(3):  # cleaning up takes a few turns (closing a connection)
                        await asyncio.sleep(0)
                    raise

            return run

        async def fails():
            await all_started.wait()
            raise Boom("coroutine 1 failed")

        def left_over():
            """What of this call is still there: coroutines running, tasks not done."""
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            return board.running, sorted(cancelled), sum(not t.done() for t in others) - 1

        async def observed(factories):
            """gather_throttled, and what is left at the very moment it raises."""
            try:
                return await aioecho.gather_throttled(factories, limit)
            except BaseException:
                left.append(left_over())  # no turn of the loop has passed since it raised
                raise

        left: list = []
        bodies = [waits_forever(0), fails] + [waits_forever(i) for i in range(2, 6)]
        factories = [factory_for(board, i, body) for i, body in enumerate(bodies)]
        gathering = board.watch(observed(factories))
        await board.until(lambda: board.running >= limit or gathering.done())
        all_started.set()
        outcome = None
        try:
            outcome = await asyncio.wait_for(gathering, SOON)
        except Boom as exc:
            outcome = exc
        except TimeoutError:
            outcome = TimeoutError
        except BaseExceptionGroup as exc:
            outcome = exc
        # The caller's own cancellation: 3 coroutines running, then the caller is cancelled.
        cancelled.clear()
        board2 = Board()
        idle = [factory_for(board2, i, waits_forever(i)) for i in range(5)]
        left_when_raised = left[-1] if left else None
        left.clear()
        caller = board2.watch(observed(idle))
        await board2.until(lambda: board2.running >= limit or caller.done())
        caller.cancel()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(caller, SOON)
        left_when_cancelled = left[-1] if left else None
        return board, outcome, left_when_raised, left_when_cancelled, len(bodies)

    board, outcome, left, cancel_left, count = run_loop(main)
    if outcome is TimeoutError:
        pytest.fail(
            f"coroutine 1 raised Boom, and {SOON:g} s later gather_throttled still had not "
            f"raised it; the others wait until they are cancelled:\n{board.timeline()}\n"
            "The first exception must propagate at once. asyncio.gather(..., "
            "return_exceptions=True) waits for every coroutine to finish and hands the "
            "error back as a result, and so does collecting every result before looking "
            "for errors. Plain asyncio.gather raises the first exception as it happens.",
            pytrace=False,
        )
    check(not isinstance(outcome, BaseExceptionGroup), (
        f"coroutine 1 raised Boom, and gather_throttled raised {outcome!r}: an exception "
        "group (asyncio.TaskGroup wraps every error in one). The contract is that the "
        "coroutine's own exception propagates: unwrap it (except* Boom will not do for a "
        "caller who catches Boom), or use gather."
    ))
    check(isinstance(outcome, Boom), (
        f"coroutine 1 raised Boom, but gather_throttled returned {outcome!r} instead of "
        "raising it: the error was swallowed (return_exceptions=True?). Let the first "
        "exception propagate to the caller."
    ))
    running, cancelled, pending = left if left else (None, [], None)
    check(running == 0 and pending == 0 and {0, 2} <= set(cancelled), (
        f"when gather_throttled raised Boom, {running} of the other coroutines were still "
        f"running and {pending} of its tasks were still pending (cancelled so far: "
        f"{cancelled}):\n{board.timeline()}\n"
        "task.cancel() only asks: the task finishes on a later turn of the loop. Cancel "
        "every task, then await them (asyncio.gather(*tasks, return_exceptions=True)) "
        "before raising, so that nothing of this call is still pending when the caller "
        "gets the exception."
    ))
    running, _, pending = cancel_left if cancel_left else (None, [], None)
    check(running == 0 and pending == 0, (
        f"gather_throttled was itself cancelled while {limit} coroutines ran; when its "
        f"CancelledError reached the caller, {running} of them were still running and "
        f"{pending} tasks were still pending. Cancel and await the tasks in a finally "
        "clause (not only in an except clause for Exception: CancelledError is a "
        "BaseException), so that nothing is left whichever way the call ends."
    ))
    check(board.called < count, (
        f"after coroutine 1 raised, {board.called} of {count} factories "
        f"had been called:\n{board.timeline()}\n"
        "Expected: the coroutines still running (0 and 2) cancelled, and the factories "
        "waiting for a slot never called (one may slip in as the failed coroutine's slot "
        "frees). When gather raises, the other tasks go on running unseen, and the waiting "
        "ones go on starting: cancel every task in a finally clause and await them (gather "
        "with return_exceptions=True, now only to let them finish), so that nothing is left "
        "running once gather_throttled returns."
    ))


# --- the echo server: helpers ------------------------------------------------------------


class WatchingLoop(asyncio.SelectorEventLoop):
    """An event loop that shows its owner every connection its servers accept.

    asyncio.start_server (or loop.create_server) hands this loop a protocol factory; the
    loop wraps it, so whatever handler the learner's server serves, however it is named
    or bound, the test sees each connection's transport and when its handler returns.
    Nothing in the learner's module is touched.
    """

    def __init__(self, owner: "AsyncioEchoServer"):
        super().__init__()
        self._owner = owner

    async def create_server(self, protocol_factory, *args, **kwargs):
        def watched_factory():
            protocol = protocol_factory()
            self._owner._watch(protocol)
            return protocol

        return await super().create_server(watched_factory, *args, **kwargs)


class AsyncioEchoServer:
    """The learner's start_echo_server in the shape kata/echo.py's tests expect.

    The constructor makes a new event loop and starts the server in it, so ``.address``
    is known at once; ``serve_forever()`` runs the loop in the calling thread until
    ``stop()`` is called from another thread; then it closes the server, lets the
    handlers end (the test has closed its clients by then), cancels what is left, and
    closes every transport and the loop.

    It also watches, from the loop (a WatchingLoop), not by touching the learner's
    module. Every exception the loop reports (a handler that crashed) is kept in
    ``.errors``; a handler's NotImplementedError (the stub) stops the loop and is raised
    by serve_forever, so the test shows it as a TODO. Each accepted connection's
    transport is kept; with ``small_buffers`` its socket buffers are made small, and
    ``held()`` reads, from the test's thread, the most echo an open connection holds in
    its transport's write buffer (the largest seen is kept in ``.most_buffered``); nothing
    in the loop wakes to measure it, so an idle loop sleeps. ``.left_open`` counts
    handlers that returned with their connection still open.
    """

    def __init__(self, small_buffers: int | None = None):
        self.errors: list[str] = []
        self.left_open = 0  # handlers that returned without closing their connection
        self.unwritten: NotImplementedError | None = None
        self.transports: list[asyncio.BaseTransport] = []
        self.small_buffers = small_buffers
        self.most_buffered = 0
        self.loop = WatchingLoop(self)
        self.loop.set_exception_handler(self._loop_error)
        self.stopping = asyncio.Event()
        try:
            self.server = self.loop.run_until_complete(
                asyncio.wait_for(aioecho.start_echo_server(), echo.SOON)
            )
            assert isinstance(self.server, asyncio.AbstractServer), (
                f"start_echo_server() returned {self.server!r}; expected the asyncio.Server "
                "that `await asyncio.start_server(...)` returns"
            )
            self.address = self.server.sockets[0].getsockname()[:2]
        except NotImplementedError as exc:
            self._close_loop()
            raise innermost(exc) from None
        except BaseException:
            self._close_loop()
            raise

    def _watch(self, protocol):
        """Watch one accepted connection: its transport, and the handler it is given."""
        made = protocol.connection_made

        def connection_made(transport):
            self.transports.append(transport)
            if self.small_buffers:
                sock = transport.get_extra_info("socket")
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.small_buffers)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.small_buffers)
            # A streams protocol calls the server's handler from connection_made.
            handler = getattr(protocol, "_client_connected_cb", None)
            if handler is not None:
                protocol._client_connected_cb = self._watched(handler, transport)
            return made(transport)

        protocol.connection_made = connection_made

    def _watched(self, handler, transport):
        async def watched(reader, writer):
            try:
                result = handler(reader, writer)
                if inspect.isawaitable(result):
                    result = await result
                return result
            finally:
                # The writer is alive here (this frame holds it), so a transport still
                # open was not closed by the handler (a StreamWriter closes itself when
                # collected from 3.13 on: not something to rely on).
                if not transport.is_closing():
                    self.left_open += 1

        return watched

    def _loop_error(self, loop, context):
        exc = context.get("exception")
        if isinstance(exc, NotImplementedError):
            self.unwritten = exc
            self.stopping.set()
            return
        self.errors.append(f"{type(exc).__name__}: {exc}" if exc else context.get("message", "?"))

    def held(self) -> int:
        """The most bytes an open connection's write buffer holds now, read from the
        test's thread (a length read; nothing in the loop changes or wakes)."""
        held = max(
            (t.get_write_buffer_size() for t in list(self.transports) if not t.is_closing()),
            default=0,
        )
        self.most_buffered = max(self.most_buffered, held)
        return held

    def serve_forever(self):
        try:
            self.loop.run_until_complete(self._serve())
        finally:
            self._close_loop()
        if self.unwritten is not None:
            raise innermost(self.unwritten)

    async def _serve(self):
        try:
            await self.stopping.wait()
        finally:
            self.server.close()
            me = asyncio.current_task()
            handlers = [task for task in asyncio.all_tasks() if task is not me]
            if handlers:  # their clients have gone: a right handler ends by itself
                _, left = await asyncio.wait(handlers, timeout=0.5)
                for task in left:
                    task.cancel()
                if left:
                    await asyncio.wait(left, timeout=0.5)
            for transport in self.transports:
                transport.abort()  # whatever a wrong handler left open
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.server.wait_closed(), 0.5)

    def stop(self):
        with contextlib.suppress(RuntimeError):  # the loop is closed already
            self.loop.call_soon_threadsafe(self.stopping.set)

    def _close_loop(self):
        loop = self.loop
        if loop.is_closed():
            return
        try:
            for task in asyncio.all_tasks(loop):
                task.cancel()
            loop.run_until_complete(asyncio.sleep(0))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            loop.close()


STOP_HINT = (
    "The event loop's thread never got to the request to stop: something blocks it (a "
    "handler calling time.sleep, a blocking socket call, or a loop that never awaits)."
)


def serving(**options):
    """The learner's server, served from an event loop in a thread (kata/echo.py's running)."""
    return echo.running(AsyncioEchoServer(**options), stop_hint=STOP_HINT)


# --- the echo server: the tests ----------------------------------------------------------

READ_WHAT_HAS_ARRIVED = (
    "Echo what has arrived as soon as it arrives: await reader.read(n) returns whatever "
    "is there (up to n bytes). reader.read() with no argument waits for the end of the "
    "input, which this client has not sent yet."
)
LOOP_BLOCKED = (
    "Something in the handler blocks the whole event loop while it runs, so the clients "
    "are served one after another: time.sleep() or a blocking socket call. In a "
    "coroutine, wait only with await (await asyncio.sleep(), await reader.read())."
)


def test_echoes_each_message_and_closes_when_the_client_is_done():
    with serving() as handle, serving() as second, echo.clients() as opened:
        ports = (handle.address[1], second.address[1])
        check(type(ports[0]) is int and 0 not in ports and ports[0] != ports[1], (
            f"two servers started with the defaults listen on ports {ports}: the default "
            "port is 0, which asks the system for a free port, one per server."
        ))
        echo.echo(
            second, echo.connect(second, opened), b"second",
            "a client of a second server spoke", hint=READ_WHAT_HAS_ARRIVED,
        )  # fmt: skip
        sock = echo.connect(handle, opened)
        for message in (b"hello", b"asyncio", b"x" * 1000):
            what = f"a client sent {message[:20]!r} and waited for its echo"
            echo.echo(handle, sock, message, what, hint=READ_WHAT_HAS_ARRIVED)
        sock.shutdown(socket.SHUT_WR)  # the client has nothing more to say: EOF
        try:
            rest = sock.recv(100)
        except socket.timeout:
            rest = None
        check(rest == b"", (
            "the client shut down its sending side (the server's read() returns b''), and "
            + (f"{echo.SOON:g} s later the connection was still open. " if rest is None else f"got {rest!r}. ")
            + "When read() returns b'', leave the loop, then writer.close() and await "
            "writer.wait_closed(), in a finally clause so that it happens however the "
            "handler ends."
        ))
        echo.half_close_gets_whole_echo(handle, opened, size=1 << 20, hint=READ_WHAT_HAS_ARRIVED)
        check(not handle.server.left_open, (
            "handle_echo returned and left its connection open: it never called "
            "writer.close(). (The client saw the connection end only because the forgotten "
            "StreamWriter was garbage-collected, which Python 3.13 does with a "
            "ResourceWarning, and older versions may never do.) Close the writer and await "
            "writer.wait_closed() in a finally clause."
        ))


def test_serves_fifty_clients_at_once():
    count = 50
    with serving() as handle, echo.clients() as opened:
        deadline = time.monotonic() + echo.CROWD_SECONDS  # for all 100 clients of this test
        socks = [echo.connect(handle, opened) for _ in range(count)]
        started = time.monotonic()
        for index, sock in enumerate(socks):
            sock.sendall(b"client %02d;" % index)
        # The last to speak is read first, and all of them within one deadline: a handler
        # that blocks the loop, even briefly for each message, makes everyone wait in turn.
        for index in reversed(range(count)):
            what = (
                f"{count} clients each sent a message at once (client 0 first), and client "
                f"{index} waited for its echo"
            )
            got = echo.receive(handle, socks[index], 10, what, LOOP_BLOCKED, deadline=deadline)
            check(got == b"client %02d;" % index, f"client {index} got {got!r}, not its own bytes")
        elapsed = time.monotonic() - started
        check(elapsed < echo.SOON, (
            f"{count} clients each sent one short message at the same moment, and the last "
            f"echo came {elapsed:.2f} s later:\n"
            f"  0.00 s  {count} messages sent\n"
            f"  {elapsed:.2f} s  the last echo arrives (a free event loop needs a few ms)\n"
            + LOOP_BLOCKED
        ))
        # And 50 more, who stay connected while each speaks (kata/echo.py's scenario).
        echo.many_clients_at_once(
            handle, opened, count=count, rounds=1, hint=LOOP_BLOCKED,
            deadline=deadline,
        )  # fmt: skip


def test_a_large_echo_to_a_slow_reader_is_paced_by_drain():
    size = 1 << 20
    message = bytes(range(256)) * (size // 256)
    limit = 512 << 10  # a handler that drains holds less than ~200 KiB
    buffers = 64 << 10  # the server's and the client's socket buffers, small on purpose
    with serving(small_buffers=buffers) as handle, echo.clients() as opened:
        sock = echo.connect(handle, opened, rcvbuf=buffers)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, buffers)
        # The client sends everything before it reads anything.
        sender = threading.Thread(
            target=echo.send_quietly, args=(sock, message, 2 * echo.SOON),
            name="slow reader's sender", daemon=True,
        )  # fmt: skip
        sender.start()
        try:
            # Read only once the sender has stalled (the loop sleeps and reads no more of
            # it: backpressure), or has sent everything and the server has had its chance
            # to pile the echo up in memory (it does so within ms).
            if echo.until_sent_or_stalled(handle, sender, sock):
                echo.wait_until(lambda: handle.server.held() > limit, 0.3)
            handle.server.held()
            held_while_unread = handle.server.most_buffered
            sock.settimeout(echo.SOON)
            got = echo.receive(handle, sock, size, "a client sent 1 MiB before reading its echo")
        finally:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # ends the sender, if it still runs
            sender.join(echo.SOON)
    check(got == message, "1 MiB came back, but not the bytes that were sent, in order")
    check(held_while_unread <= limit, (
        f"while the client was not reading, the server held {held_while_unread >> 10} KiB "
        "of echo in its transport's write buffer (in memory, waiting for the client):\n"
        "  the client sends 1 MiB and reads nothing yet\n"
        f"  the server reads it all and writes it all: {held_while_unread >> 10} KiB pile up\n"
        "writer.write() never blocks: it only adds to a buffer. await writer.drain() after "
        "each write waits while that buffer is full, so the server stops reading a client "
        "that does not read (backpressure) and memory stays bounded. Without it, a few slow "
        "clients can eat the server's memory."
    ))


def test_a_client_that_resets_does_not_disturb_the_others():
    with serving() as handle, echo.clients() as opened:
        echo.reset_does_not_disturb(
            handle, opened,
            hint=(
                "Each handler is its own task: one that crashes does not stop the loop, but "
                "the others must still be served."
            ),
        )  # fmt: skip
        # A handler that crashed has been reported by the loop once its neighbours have
        # answered; one more round trip gives a slow one its chance.
        echo.echo(handle, opened[0], b"last", "a client spoke")
        errors = list(handle.server.errors)
    check(not errors, (
        "three clients reset their connections, and a fourth hung up in the middle of its "
        f"echo; the event loop reported errors from the handlers: {'; '.join(errors[:3])}.\n"
        "A reset makes read(), drain() or wait_closed() raise ConnectionResetError (a "
        "ConnectionError). It is an ordinary way for a client to leave: catch "
        "ConnectionError in the handler, and still close the writer in a finally clause."
    ))


def test_one_thread_serves_every_client():
    with serving() as handle, echo.clients() as opened:
        echo.one_thread_serves(
            handle, opened,
            lesson=(
                "The event loop serves every client from its one thread: each handler is a "
                "coroutine that awaits its socket, instead of waiting in a thread of its own "
                "(no asyncio.to_thread or run_in_executor for the echo itself)."
            ),
        )  # fmt: skip


def test_an_idle_server_burns_no_cpu():
    with serving() as handle, echo.clients() as opened:
        echo.idle_burns_no_cpu(
            handle, opened,
            lesson=(
                "A handler is polling: awaiting asyncio.sleep(0) in a loop, or read() with a "
                "tiny timeout, until data arrives. Just await reader.read(n): the loop puts "
                "the handler to sleep until its socket is readable, and sleeps in epoll "
                "itself meanwhile."
            ),
            max_wakeups=10,
            wakeup_lesson=(
                "Something wakes the loop again and again: a handler waiting with a timeout "
                "(asyncio.wait_for(reader.read(n), 0.01) in a loop). Await read() without one."
            ),
        )  # fmt: skip
