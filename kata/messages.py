"""Turning what went wrong into a few lines a learner can act on.

Everything here filters stacks down to the learner's own frames (files of the target
under test) so that a failure points at their code, not at pytest or threading internals.
"""

from __future__ import annotations

import linecache
import sys
import threading
import traceback
from pathlib import Path
from types import FrameType, TracebackType

import pytest

from kata import callsites, manifest, target

TODO_MARK = "TODO"  # the start of a "not written yet" line; the progress summary looks for it


EXIT_LESSON = (
    "os._exit() and sys.exit() end the whole program, here the test run itself; code "
    "meant to be called by others reports a problem by raising an exception."
)


class ExitAttempt(BaseException):
    """Raised instead of ending the test process when the code under test calls os._exit().

    A BaseException, like SystemExit, so that ``except Exception`` does not swallow it.
    Defined here, not in kata.guard which raises it, so that kata.target can catch it
    without importing the guards (imports only go down: see DESIGN.md).
    """

    def __init__(self, status):
        self.status = status
        self.call = f"os._exit({status!r})"
        super().__init__(f"{self.call} was called: {EXIT_LESSON}")


class TestTimedOut(pytest.fail.Exception):
    """The test ran past its time limit. An OutcomeException: ``except Exception`` misses it.

    Raised by kata.timeouts; defined here for kata.target, like ExitAttempt.
    """


def _owned(filename: str) -> bool:
    """A file of the implementation under test."""
    try:
        return target.active().owns(filename)
    except RuntimeError:
        return False


def _relevant(filename: str) -> bool:
    """A file a learner should see in a report: their implementation or an exercise's test."""
    if _owned(filename):
        return True
    path = Path(filename)
    return path.name.startswith("test_") and path.parent.parent == manifest.EXERCISES_DIR


def _short(filename: str) -> str:
    try:
        return str(Path(filename).resolve().relative_to(Path.cwd()))
    except ValueError:
        return filename


def in_relevant_code(frame: FrameType | None) -> bool:
    """Is any frame of this stack the learner's or an exercise test's?"""
    while frame is not None:
        if _relevant(frame.f_code.co_filename):
            return True
        frame = frame.f_back
    return False


def _line(filename: str, lineno: int) -> str:
    return linecache.getline(filename, lineno).strip()


def describe_frame(filename: str, lineno: int, name: str) -> str:
    shown = target.active().shown(filename) if _owned(filename) else _short(filename)
    code = _line(filename, lineno)
    return f"{shown}:{lineno} in {name}" + (f": {code}" if code else "")


def learner_line(where: threading.Thread | FrameType | None) -> str:
    """The innermost line of the learner's module in a stack, as 'file:line in function:
    code'; "" when no frame of it is theirs (or no module is under test).

    `where` is a thread (its stack as it is now: the line it runs or is stuck at) or a
    frame (that frame and its callers).
    """
    frame = sys._current_frames().get(where.ident) if isinstance(where, threading.Thread) else where
    while frame is not None:
        code = frame.f_code
        if _owned(code.co_filename):
            return describe_frame(code.co_filename, frame.f_lineno, code.co_name)
        frame = frame.f_back
    return ""


def _frames_of_stack(frame: FrameType | None) -> list[traceback.FrameSummary]:
    return list(traceback.extract_stack(frame)) if frame is not None else []


def learner_frames(summaries: list[traceback.FrameSummary], keep: int = 5) -> list[str]:
    """The innermost `keep` frames a learner should see, outermost first.

    Falls back to the innermost frames of any kind when none is the learner's, so that a
    report never comes out empty.
    """
    own = [s for s in summaries if _relevant(s.filename)]
    chosen = (own or summaries)[-keep:]
    return [describe_frame(s.filename, s.lineno, s.name) for s in chosen]


def describe_call_site(frames: list[tuple[str, int, str]]) -> str:
    """The learner's frame of a raw stack recorded by kata.callsites, as one line."""
    stack = traceback.StackSummary.from_list([(f, n, name, None) for f, n, name in reversed(frames)])
    chosen = learner_frames(stack, keep=1)
    return chosen[0] if chosen else "?"


def started_at(obj) -> str | None:
    """Where a thread, process, pool or socket was started or created, if recorded."""
    frames = callsites.frames_of(obj)
    return None if frames is None else describe_call_site(frames)


def format_exception(exc: BaseException) -> str:
    """An exception as its learner frames and its one-line message."""
    frames = learner_frames(traceback.extract_tb(exc.__traceback__))
    lines = [f"  {f}" for f in frames]
    lines.append(f"  {type(exc).__name__}: {exc}".rstrip(": "))
    return "\n".join(lines)


def innermost(tb: TracebackType | None) -> TracebackType | None:
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb


def todo_line(exc: BaseException) -> str | None:
    """One line naming the function still to write, if `exc` is a stub's NotImplementedError."""
    if not isinstance(exc, NotImplementedError):
        return None
    last = innermost(exc.__traceback__)
    if last is None or not _owned(last.tb_frame.f_code.co_filename):
        return None
    code = last.tb_frame.f_code
    shown = target.active().shown(code.co_filename)
    name = getattr(code, "co_qualname", code.co_name)
    return f"{TODO_MARK}: {name}() in {shown} is not written yet (it raises NotImplementedError)."


def thread_report(thread: threading.Thread, frame: FrameType | None = None) -> str:
    """Where a thread is now, as its learner frames, and where it was started."""
    if frame is None:
        frame = sys._current_frames().get(thread.ident)
    kind = "daemon" if thread.daemon else "non-daemon"
    lines = [f"thread {thread.name!r} ({kind})"]
    started = started_at(thread)
    if started:
        lines.append(f"    started at {started}")
    stack = learner_frames(_frames_of_stack(frame))
    if stack:
        lines.append("    is at:")
        lines.extend(f"      {f}" for f in stack)
    return "\n".join(lines)


def stuck_report(headline: str, threads: list[threading.Thread], explain: str = "") -> str:
    parts = [headline]
    parts.extend(thread_report(t) for t in threads)
    if explain:
        parts.append(explain)
    return "\n".join(parts)
