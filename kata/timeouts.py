"""The per-test time limit, reported as where each thread was stuck.

pytest-timeout reads the limit (``timeout`` in setup.cfg, ``--timeout``,
``@pytest.mark.timeout``); this module takes over how it fires, through pytest-timeout's
``pytest_timeout_set_timer`` hook, so that a deadlock is shown as the learner's frames of
every thread instead of a dump of pytest internals. Where kata.platform says the system
has SIGALRM (Linux, macOS), an alarm interrupts a blocked lock wait or an endless loop
in the main thread. Where it has none (Windows), the watchdog thread writes the same
report when the limit is reached and interrupts the main thread with
``_thread.interrupt_main`` (which reaches Python code, not a blocked C call), every half
second for a grace period; then it kills the process tree and ends the run with status 1.

A debugger stops every one of these clocks: while a learner sits at a pdb prompt (from
``breakpoint()``, or pytest's ``--pdb``) or steps through the test in an IDE's debugger
(VS Code and PyCharm trace with pydevd), no limit fires; see ``debugging()``.

Safety nets stand behind the alarm, so the session can never hang or end with status 0: the
alarm repeats every half second in case the code under test swallows the first one
(``except BaseException: pass``); a watchdog thread ends the whole process with status 1
if even that fails; and faulthandler's watchdog, which needs no GIL, does the same later
if a C call holds the GIL for ever (it prints tracebacks, and can crash doing so, which
still ends the run with a failing status).
"""

from __future__ import annotations

import _thread
import faulthandler
import signal
import sys
import threading
import time

from kata import messages, platform, processes
from kata.messages import TestTimedOut  # noqa: F401 - its old home

REPEAT_SECONDS = 0.5
WATCHDOG_EXTRA_SECONDS = 10.0  # with SIGALRM: past the limit, after the alarm's repeats
INTERRUPT_GRACE_SECONDS = 3.0  # without: interrupts of the main thread before the end
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


class Timer:
    """One per run. SIGALRM where the system has it; otherwise the watchdog interrupts."""

    def __init__(self, watchdog_file, use_alarm: bool | None = None):
        self.watchdog_file = watchdog_file  # a real file descriptor, not pytest's capture
        self.use_alarm = platform.SIGALRM if use_alarm is None else use_alarm
        self.armed = False
        self.report: str | None = None
        self.seconds = 0.0
        self._raised = False  # the first TestTimedOut of this test is out
        self._deadline: float | None = None  # when the watchdog acts next
        self._end_at: float | None = None  # when the watchdog ends the process
        self._interrupting = False  # a SIGINT we caused is on its way to the main thread
        self._changed = threading.Condition()
        if not self.use_alarm:
            # Installed once, for the whole run: an interrupt_main() that lands after
            # the test ended must find this handler, or it would be a KeyboardInterrupt.
            self._ctrl_c = signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, self._interrupted)
        # One thread for the whole run, started before any test, so no test sees it as new.
        threading.Thread(target=self._watch, name="kata-watchdog", daemon=True).start()

    def start(self, seconds: float) -> None:
        self.armed = True
        self.report = None
        self._raised = False
        self.seconds = seconds
        now = time.monotonic()
        if self.use_alarm:
            signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT_SECONDS)
            deadline = end = now + seconds + WATCHDOG_EXTRA_SECONDS
        else:
            deadline, end = now + seconds, now + seconds + INTERRUPT_GRACE_SECONDS
        with self._changed:
            self._deadline, self._end_at = deadline, end
            self._changed.notify()
        faulthandler.dump_traceback_later(
            seconds + FAULTHANDLER_EXTRA_SECONDS, exit=True, file=self.watchdog_file
        )

    def cancel(self) -> None:
        if not self.armed:
            return
        self.armed = False
        if self.use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
        with self._changed:
            self._deadline = self._end_at = None
            self._changed.notify()
        faulthandler.cancel_dump_traceback_later()

    def suspend(self) -> None:
        """A debugger took over this test: no clock may end it now."""
        if self.armed:
            if self.use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
            faulthandler.cancel_dump_traceback_later()
            with self._changed:
                self._deadline = self._end_at = None
                self._changed.notify()

    def _watch(self) -> None:
        with self._changed:
            while True:
                while self._deadline is None or time.monotonic() < self._deadline:
                    timeout = None if self._deadline is None else self._deadline - time.monotonic()
                    self._changed.wait(timeout)
                if debugging():
                    self._deadline = self._end_at = None  # a learner at a prompt: wait for the next test
                    faulthandler.cancel_dump_traceback_later()
                    continue
                if time.monotonic() >= self._end_at:
                    break
                # No SIGALRM: the limit is reached. Report where every thread is, then
                # interrupt the main thread (again every REPEAT_SECONDS, in case the
                # code under test swallows it) until the end of the grace.
                if self.report is None:
                    main = sys._current_frames().get(threading.main_thread().ident)
                    self.report = timeout_report(self.seconds, main)
                self._interrupting = True
                _thread.interrupt_main()
                self._deadline = min(time.monotonic() + REPEAT_SECONDS, self._end_at)
        past = WATCHDOG_EXTRA_SECONDS if self.use_alarm else INTERRUPT_GRACE_SECONDS
        self.watchdog_file.write(
            (f"\n{self.report}\n" if self.report and not self._raised else "")
            + f"\nkata: Timeout: the test ran {past:g} s past its limit of "
            f"{self.seconds:g} s and could not be stopped (every attempt was swallowed, or "
            "it is blocked in a call that cannot be interrupted); ending the run with status 1.\n"
        )
        self.watchdog_file.flush()
        processes.kill(set(processes.descendants()))
        processes.exit_now(1)

    def _fire(self, signum, frame) -> None:
        """SIGALRM: the limit is reached, or it repeats."""
        if not self.armed:
            return
        if debugging():
            self.suspend()
            return
        if self.report is None:
            self.report = timeout_report(self.seconds, frame)
        self._raise(frame)

    def _interrupted(self, signum, frame) -> None:
        """SIGINT, without SIGALRM: our interrupt_main(), or a real Ctrl-C."""
        if not self._interrupting:
            if callable(self._ctrl_c):
                return self._ctrl_c(signum, frame)
            if self._ctrl_c == signal.SIG_IGN:
                return None
            raise KeyboardInterrupt
        self._interrupting = False
        if self.armed and self.report is not None and not debugging():
            self._raise(frame)
        return None  # the test ended meanwhile: nothing to stop

    def _raise(self, frame) -> None:
        if self._raised and not messages.in_relevant_code(frame):
            # A repeat: only worth raising while the learner's code still runs (it
            # swallowed the first one), never while pytest reports the failure.
            return
        self._raised = True
        raise TestTimedOut(self.report, pytrace=False)


def timeout_report(seconds: float, main_frame) -> str:
    others = [
        t
        for t in threading.enumerate()
        if t is not threading.main_thread() and t.is_alive()
        and t.name not in ("QueueFeederThread", "kata-watchdog")  # not the learner's
    ]
    headline = (
        f"The test did not finish within {seconds:g} s. A deadlock (threads waiting for "
        "each other, or for a lock nobody releases) or an endless loop stopped it. "
        "Where each thread was:"
    )
    parts = [headline, messages.thread_report(threading.main_thread(), main_frame)]
    parts.extend(messages.thread_report(t) for t in others)
    return "\n".join(parts)


def can_time_this_thread() -> bool:
    """Both ways of stopping a test reach the main thread only."""
    return threading.current_thread() is threading.main_thread()
