"""The per-test time limit, reported as where each thread was stuck.

pytest-timeout reads the limit (``timeout`` in setup.cfg, ``--timeout``,
``@pytest.mark.timeout``); this module takes over how it fires, through pytest-timeout's
``pytest_timeout_set_timer`` hook, so that a deadlock is shown as the learner's frames of
every thread instead of a dump of pytest internals. It uses SIGALRM, which interrupts a
blocked lock wait or an endless loop in the main thread.

A debugger stops every one of these clocks: while a learner sits at a pdb prompt (from
``breakpoint()``, or pytest's ``--pdb``) or steps through the test in an IDE's debugger
(VS Code and PyCharm trace with pydevd), no limit fires; see ``debugging()``.

Safety nets stand behind it, so the session can never hang or end with status 0: the
alarm repeats every half second in case the code under test swallows the first one
(``except BaseException: pass``); a watchdog thread ends the whole process with status 1
if even that fails; and faulthandler's watchdog, which needs no GIL, does the same later
if a C call holds the GIL for ever (it prints tracebacks, and can crash doing so, which
still ends the run with a failing status).
"""

from __future__ import annotations

import faulthandler
import signal
import sys
import threading
import time

import pytest

from kata import messages

REPEAT_SECONDS = 0.5
WATCHDOG_EXTRA_SECONDS = 10.0
FAULTHANDLER_EXTRA_SECONDS = 20.0


def debugging() -> bool:
    """Is a debugger in use? pytest-timeout's own test: pytest entered pdb in this run
    (its pytest_enter_pdb hook), or the trace function, or 3.12's sys.monitoring debugger
    slot, belongs to a known debugger (bdb for pdb, pydevd for VS Code and PyCharm)."""
    try:
        from pytest_timeout import is_debugging
    except ImportError:  # pragma: no cover - pytest-timeout is a dependency
        return sys.gettrace() is not None
    return is_debugging()


def join_within(threads, seconds: float) -> None:
    """Join the threads with one deadline for all of them, which waits as long as a
    debugger is in use: a learner stepping through a thread is not a deadlock."""
    deadline = time.monotonic() + seconds
    for thread in threads:
        while True:
            thread.join(max(0.0, deadline - time.monotonic()))
            if not thread.is_alive() or not debugging():
                break
            deadline = max(deadline, time.monotonic() + REPEAT_SECONDS)


class TestTimedOut(pytest.fail.Exception):
    """The test ran past its time limit. An OutcomeException: ``except Exception`` misses it."""


class Timer:
    def __init__(self, watchdog_file):
        self.watchdog_file = watchdog_file  # a real file descriptor, not pytest's capture
        self.armed = False
        self.report: str | None = None
        self._deadline: float | None = None  # when the watchdog ends the process
        self._changed = threading.Condition()
        # One thread for the whole run, started before any test, so no test sees it as new.
        threading.Thread(target=self._watch, name="kata-watchdog", daemon=True).start()

    def start(self, seconds: float) -> None:
        self.armed = True
        self.report = None
        self.seconds = seconds
        signal.signal(signal.SIGALRM, self._fire)
        signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT_SECONDS)
        with self._changed:
            self._deadline = time.monotonic() + seconds + WATCHDOG_EXTRA_SECONDS
            self._changed.notify()
        faulthandler.dump_traceback_later(
            seconds + FAULTHANDLER_EXTRA_SECONDS, exit=True, file=self.watchdog_file
        )

    def cancel(self) -> None:
        if not self.armed:
            return
        self.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        with self._changed:
            self._deadline = None
            self._changed.notify()
        faulthandler.cancel_dump_traceback_later()

    def suspend(self) -> None:
        """A debugger took over this test: no clock may end it now."""
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            faulthandler.cancel_dump_traceback_later()
            with self._changed:
                self._deadline = None
                self._changed.notify()

    def _watch(self) -> None:
        with self._changed:
            while True:
                while self._deadline is None or time.monotonic() < self._deadline:
                    timeout = None if self._deadline is None else self._deadline - time.monotonic()
                    self._changed.wait(timeout)
                if not debugging():
                    break
                self._deadline = None  # a learner at a prompt: wait for the next test
                faulthandler.cancel_dump_traceback_later()
        self.watchdog_file.write(
            f"\nkata: Timeout: the test ran {WATCHDOG_EXTRA_SECONDS:g} s past its limit of "
            f"{self.seconds:g} s and swallowed every attempt to stop it; ending the run "
            "with status 1.\n"
        )
        self.watchdog_file.flush()
        from kata import guard

        guard.kill(set(guard.descendants()))
        guard.real_exit(1)

    def _fire(self, signum, frame) -> None:
        if not self.armed:
            return
        if debugging():
            self.suspend()
            return
        if self.report is None:
            self.report = timeout_report(self.seconds, frame)
        elif not messages.in_relevant_code(frame):
            # A repeat: only worth raising while the learner's code still runs (it
            # swallowed the first one), never while pytest reports the failure.
            return
        raise TestTimedOut(self.report, pytrace=False)


def timeout_report(seconds: float, main_frame) -> str:
    others = [
        t
        for t in threading.enumerate()
        if t is not threading.main_thread() and t.is_alive() and t.name != "QueueFeederThread"
    ]
    headline = (
        f"The test did not finish within {seconds:g} s. A deadlock (threads waiting for "
        "each other, or for a lock nobody releases) or an endless loop stopped it. "
        "Where each thread was:"
    )
    parts = [headline, messages.thread_report(threading.main_thread(), main_frame)]
    parts.extend(messages.thread_report(t) for t in others)
    return "\n".join(parts)


def can_use_signals() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
