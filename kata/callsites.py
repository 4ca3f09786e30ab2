"""Where a thread, process, pool or socket was started or created: the raw stacks.

Recording is cheap on purpose (it runs at every Thread.start); which frame is the
learner's is worked out by kata.messages only when a report needs it. This module
imports nothing of kata's, so both kata.guard (which records) and kata.messages (which
describes) sit above it.
"""

from __future__ import annotations

import sys
import weakref

# object -> the raw stack that started or created it, innermost first
_started_at: "weakref.WeakKeyDictionary[object, list]" = weakref.WeakKeyDictionary()


def call_site(depth: int = 2, limit: int = 100) -> list[tuple[str, int, str]]:
    """The raw stack of whoever called into threading/multiprocessing, innermost first."""
    frame, frames = sys._getframe(depth), []
    while frame is not None and len(frames) < limit:
        frames.append((frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name))
        frame = frame.f_back
    return frames


def remember(obj, frames: list[tuple[str, int, str]]) -> None:
    _started_at[obj] = frames


def frames_of(obj) -> list[tuple[str, int, str]] | None:
    return _started_at.get(obj)
