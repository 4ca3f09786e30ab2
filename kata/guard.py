"""Keeping a learner's code from hanging, leaking into or ending the test session.

- ``os._exit`` is replaced in the pytest process (not in its children) by a guard that
  raises, so an early exit fails the test instead of ending the session with status 0.
- ``Thread.start`` and ``Process.start`` remember where they were called, for reports.
- Exceptions that end a thread during a test are collected, so a worker's crash fails
  the test that started it.
- After each test, pools and executors the test left open are shut down, shared-memory
  segments it left behind are unlinked, sockets it left open are closed, and threads and
  child processes it left running are reported and the processes killed.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import multiprocessing.pool
import multiprocessing.process
import multiprocessing.queues
import os
import socket
import sys
import threading
import time
import weakref
from dataclasses import dataclass, field

from kata import callsites, messages, processes, timing
from kata.messages import EXIT_LESSON, ExitAttempt, started_at  # noqa: F401 - their old home
from kata.processes import descendants, kill  # noqa: F401 - their old home

GRACE_SECONDS = timing.AT_ONCE  # how long a test's threads and processes get to finish after it

_harness_pid = os.getpid()

@dataclass
class TestWatch:
    """What one test started, and what went wrong off the main thread while it ran."""

    threads_before: set[int]
    processes_before: set[int]
    thread_errors: list[tuple[str, BaseException]] = field(default_factory=list)
    exit_attempts: list[str] = field(default_factory=list)
    pools: list[weakref.ref] = field(default_factory=list)  # Pools and executors it created
    segments: list[tuple[str, str]] = field(default_factory=list)  # shared memory: (name, where)
    sockets: list[weakref.ref] = field(default_factory=list)  # sockets it created
    queues: list[weakref.ref] = field(default_factory=list)  # multiprocessing Queues it created


_current: TestWatch | None = None
_seen_after_last_test: set[int] | None = None  # child processes alive after the last clean-up
_hook_outside_tests = threading.excepthook
_excused: "weakref.WeakSet[threading.Thread]" = weakref.WeakSet()
_leaked_threads: "weakref.WeakSet[threading.Thread]" = weakref.WeakSet()
_call_site = callsites.call_site


def _caller(depth: int = 2) -> str:
    """Where the code that called into threading/multiprocessing is, for reports."""
    return messages.describe_call_site(_call_site(depth + 1))


# --- installing the guards -------------------------------------------------------------


def install() -> None:
    original_thread_start = threading.Thread.start
    original_process_start = multiprocessing.process.BaseProcess.start

    def thread_start(self):
        callsites.remember(self, _call_site())
        return original_thread_start(self)

    def process_start(self):
        callsites.remember(self, _call_site())
        return original_process_start(self)

    def guarded_exit(status):
        if os.getpid() != _harness_pid:  # a forked child ends itself this way: let it
            return processes.exit_now(status)
        if _current is not None:
            _current.exit_attempts.append(f"os._exit({status!r}) at {_caller()}")
        raise ExitAttempt(status)

    threading.Thread.start = thread_start
    multiprocessing.process.BaseProcess.start = process_start
    for cls in (
        multiprocessing.pool.Pool,  # ThreadPool too: a subclass
        concurrent.futures.ProcessPoolExecutor,
        concurrent.futures.ThreadPoolExecutor,
    ):
        _record_creation(cls, _remember_pool)
    try:
        from multiprocessing import shared_memory
    except ImportError:  # a platform without it
        pass
    else:
        _record_creation(shared_memory.SharedMemory, _remember_segment)
    # Every socket object goes through socket.socket.__init__: socket(), accept(),
    # socketpair(), create_connection(), dup(), and asyncio's transports.
    _record_creation(socket.socket, _remember_socket)
    _record_creation(multiprocessing.queues.Queue, _remember_queue)  # JoinableQueue too
    _pickle_without_exported_buffers()
    os._exit = guarded_exit
    import posix

    posix._exit = guarded_exit


def _pickle_without_exported_buffers() -> None:
    """Make multiprocessing pickle to bytes, not to a view of a BytesIO.

    A send() that fails (BrokenPipeError on a pipe whose reader has gone, which
    07_pipes is about) leaves that view in a frame of the exception's traceback; once the
    exception sits in a reference cycle, CPython 3.12.1 can crash collecting it
    ("deallocated BytesIO object has exported buffers", then a segmentation fault at the
    end of the run; CPython gh-111049). A copy of the pickled bytes costs next to nothing.
    """
    import io
    from multiprocessing.reduction import ForkingPickler

    def dumps(cls, obj, protocol=None):
        buf = io.BytesIO()
        cls(buf, protocol).dump(obj)
        return buf.getvalue()

    ForkingPickler.dumps = classmethod(dumps)


def _record_creation(cls, remember) -> None:
    """Call remember(instance, args, kwargs) after each cls(...) made in the harness process."""
    original_init = cls.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if os.getpid() == _harness_pid and _current is not None:
            remember(self, args, kwargs)

    init.__wrapped__ = original_init
    cls.__init__ = init


def _remember_pool(pool, args, kwargs) -> None:
    callsites.remember(pool, _call_site(depth=3))
    _current.pools.append(weakref.ref(pool))


def _remember_segment(segment, args, kwargs) -> None:
    created = kwargs.get("create", args[1] if len(args) > 1 else False)
    if created:
        _current.segments.append((segment.name, _caller(depth=3)))


def _remember_socket(sock, args, kwargs) -> None:
    # A server test makes thousands of sockets, and the code that made one (the learner's
    # accept(), or a test's connect) is always a few frames up: the rest of pytest's stack
    # is not worth recording each time (100 frames cost 0.2 s in 16_selectors).
    callsites.remember(sock, _call_site(depth=3, limit=12))
    _current.sockets.append(weakref.ref(sock))


def _remember_queue(queue, args, kwargs) -> None:
    _current.queues.append(weakref.ref(queue))


def _record_thread_error(args) -> None:
    """threading.excepthook while a test runs: keep the exception for the test's report.

    It replaces, not wraps, the hook in place (pytest's own): formatting a traceback in
    the dying thread while the main thread formats a failure has crashed CPython 3.11's
    ast module ("AST constructor recursion depth mismatch"), and the report shows it anyway.
    """
    if _current is not None and args.exc_value is not None:
        name = args.thread.name if args.thread is not None else "?"
        _current.thread_errors.append((name, args.exc_value))


def real_exit(status: int) -> None:
    processes.exit_now(status)


def excuse(thread: threading.Thread) -> None:
    """This stuck thread was already reported by the test itself; don't report it again."""
    _excused.add(thread)


# --- one test ----------------------------------------------------------------------------


def begin_test() -> None:
    global _current, _hook_outside_tests
    _current = TestWatch(
        threads_before={t.ident for t in threading.enumerate()},
        # What the last test's clean-up saw, if there was one: reading the process table
        # takes a few milliseconds, and between two tests nothing of the learner's runs.
        processes_before=set(descendants()) if _seen_after_last_test is None else _seen_after_last_test,
    )
    # Installed per test, not once: pytest installs its own hook after plugins configure.
    _hook_outside_tests = threading.excepthook
    threading.excepthook = _record_thread_error


def end_test() -> TestWatch | None:
    global _current
    watch, _current = _current, None
    if threading.excepthook is _record_thread_error:
        threading.excepthook = _hook_outside_tests
    return watch


def current() -> TestWatch | None:
    return _current


def _is_open(pool) -> bool:
    if isinstance(pool, multiprocessing.pool.Pool):
        return pool._state == multiprocessing.pool.RUN
    if isinstance(pool, concurrent.futures.ProcessPoolExecutor):
        return not pool._shutdown_thread
    return not pool._shutdown  # ThreadPoolExecutor


def shut_open_pools(watch: TestWatch) -> list[str]:
    """Shut down the Pools and executors the test left open; describe each for the report.

    Killing a Pool's workers one by one does not help: its handler thread starts new
    ones. Pool.terminate() stops the handlers first, then the workers.
    """
    reports = []
    for ref in watch.pools:
        pool = ref()
        if pool is None or not _is_open(pool):
            continue
        kind = type(pool).__name__
        reports.append(
            f"a {kind} created at {started_at(pool) or '?'} and never shut down (shut down now)"
        )
        if isinstance(pool, multiprocessing.pool.Pool):
            shut = pool.terminate
        else:
            def shut(pool=pool):
                pool.shutdown(wait=False, cancel_futures=True)
                for process in list((getattr(pool, "_processes", None) or {}).values()):
                    process.kill()  # a task still running would keep the executor alive
        closer = threading.Thread(target=shut, name=f"kata: shutting down a leaked {kind}", daemon=True)
        closer.start()
        closer.join(3 * timing.AT_ONCE)
        if closer.is_alive():
            excuse(closer)  # its processes are killed with the other leftovers
    return reports


def unlink_segments(watch: TestWatch) -> list[str]:
    """Unlink the shared-memory segments the test created and left behind."""
    if not watch.segments:
        return []
    from multiprocessing import shared_memory

    reports = []
    for name, where in watch.segments:
        # Attached by name, not looked up in /dev/shm: macOS has none, and Windows
        # segments are not files (one nobody holds has gone).
        try:
            segment = shared_memory.SharedMemory(name=name)
        except (FileNotFoundError, OSError, ValueError):
            continue  # unlinked, as it should be
        reports.append(f"shared-memory segment {name!r} created at {where} and never unlinked (unlinked now)")
        segment.close()
        try:
            segment.unlink()  # also tells the resource tracker it is gone
        except (FileNotFoundError, OSError):
            pass
    return reports


def _describe_socket(sock: socket.socket) -> str:
    kind = {socket.SOCK_STREAM: "TCP", socket.SOCK_DGRAM: "UDP"}.get(sock.type, str(sock.type))
    if sock.family == getattr(socket, "AF_UNIX", None):  # Windows has none
        kind = "Unix"
    try:
        peer = f"connected to {sock.getpeername()}"
    except OSError:
        try:
            peer = f"bound to {sock.getsockname()}"
        except OSError:
            peer = "unbound"
    return f"a {kind} socket {peer}"


def close_open_sockets(watch: TestWatch) -> list[str]:
    """Close the sockets the test created and left open; describe each for the report.

    A socket that was closed, detached (a multiprocessing Connection took its descriptor)
    or collected is not reported.
    """
    reports = []
    for ref in watch.sockets:
        sock = ref()
        if sock is None or sock.fileno() == -1:
            continue
        reports.append(
            f"{_describe_socket(sock)}, created at {started_at(sock) or '?'}, never closed (closed now)"
        )
        try:
            sock.close()
        except OSError:
            pass
    return reports


def let_queues_go(watch: TestWatch) -> None:
    """Keep the test's multiprocessing Queues from holding up the end of the run.

    At exit, a Queue waits until its feeder thread has written everything put on it into
    its pipe; with nobody left to read a full pipe, that wait never ends. What a test
    left unread is not the next test's business, so it may be dropped.
    """
    for ref in watch.queues:
        queue = ref()
        if queue is not None:
            queue.cancel_join_thread()


def leaked_threads(watch: TestWatch, deadline: float) -> list[threading.Thread]:
    """Threads the test started that are still alive once the grace period is over."""
    new = [
        t
        for t in threading.enumerate()
        if t.ident not in watch.threads_before
        and t is not threading.current_thread()
        and t not in _excused
        # multiprocessing.Queue's feeder ends with its queue; a stuck one is not the lesson
        and t.name != "QueueFeederThread"
    ]
    for thread in new:
        if not isinstance(thread, threading._DummyThread):  # a dummy cannot be joined
            thread.join(max(0.0, deadline - time.monotonic()))
    alive = [t for t in new if _is_alive(t)]
    _leaked_threads.update(alive)
    return alive


def _is_alive(thread: threading.Thread) -> bool:
    # threading.current_thread() called where threading does not know the thread (a
    # profiler on a thread's very last event, a thread started from C) makes a
    # _DummyThread, which says it is alive for ever on 3.11; the interpreter's own list
    # of running threads tells the truth.
    if isinstance(thread, threading._DummyThread):
        return thread.ident in sys._current_frames()
    return thread.is_alive()


def stuck_non_daemon_threads() -> list[threading.Thread]:
    """Leaked non-daemon threads still alive: they would keep the interpreter from exiting."""
    return [t for t in _leaked_threads if _is_alive(t) and not t.daemon]


# --- child processes ---------------------------------------------------------------------


def _describe_process(pid: int) -> str:
    for process in multiprocessing.active_children():
        if process.pid == pid:
            where = started_at(process)
            return f"process {process.name!r} (pid {pid})" + (
                f", started at {where}" if where else ""
            )
    cmdline = processes.command_line(pid)
    return f"process {pid}" + (f" ({cmdline.strip()[:100]})" if cmdline.strip() else "")


def leaked_processes(watch: TestWatch, deadline: float) -> list[str]:
    """Kill the processes the test left running; describe each for the report."""
    global _seen_after_last_test
    while True:
        seen = set(descendants())
        alive = seen - watch.processes_before
        if not alive or time.monotonic() >= deadline:
            break
        time.sleep(0.01)  # polling only while something is left; a clean test never waits
    _seen_after_last_test = seen - alive
    if not alive:
        return []
    reports = [_describe_process(pid) for pid in sorted(alive)]
    kill(alive)
    return reports
