"""The per-test time limit, reported as where each thread was stuck.

pytest-timeout reads the limit (``timeout`` in setup.cfg, ``--timeout``,
``@pytest.mark.timeout``); this module takes over how it fires, through pytest-timeout's
``pytest_timeout_set_timer`` hook, so that a deadlock is shown as the learner's frames of
every thread instead of a dump of pytest internals. It uses SIGALRM, which interrupts a
blocked lock wait or an endless loop in the main thread.

Two safety nets stand behind it: the alarm repeats every half second in case the code
under test swallows the first one (``except BaseException: pass``), and a faulthandler
watchdog ends the whole process with status 1 if even that fails, so the session can
never hang or end with status 0.
"""

from __future__ import annotations

import faulthandler
import signal
import sys
import threading

import pytest

from kata import messages

REPEAT_SECONDS = 0.5
BACKSTOP_EXTRA_SECONDS = 10.0


class TestTimedOut(pytest.fail.Exception):
    """The test ran past its time limit. An OutcomeException: ``except Exception`` misses it."""


class Timer:
    def __init__(self, watchdog_file):
        self.watchdog_file = watchdog_file  # a real file descriptor, not pytest's capture
        self.armed = False
        self.report: str | None = None

    def start(self, seconds: float) -> None:
        self.armed = True
        self.report = None
        self.seconds = seconds
        signal.signal(signal.SIGALRM, self._fire)
        signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT_SECONDS)
        faulthandler.dump_traceback_later(
            seconds + BACKSTOP_EXTRA_SECONDS, exit=True, file=self.watchdog_file
        )

    def cancel(self) -> None:
        if not self.armed:
            return
        self.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        faulthandler.cancel_dump_traceback_later()

    def _fire(self, signum, frame) -> None:
        if not self.armed:
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
