"""The progress line an exercise gets at the end of a run (kata.progress)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from kata import manifest
from kata.messages import TODO_MARK
from kata.progress import Progress

LOCKS = next(e for e in manifest.exercises() if e.id == "03_locks")


def report(name: str, outcome: str, text: str = "") -> SimpleNamespace:
    return SimpleNamespace(
        nodeid=f"exercises/03_locks/test_bank.py::{name}",
        skipped=outcome == "skipped",
        failed=outcome in ("failed", "todo"),
        longrepr=(TODO_MARK + " write deposit") if outcome == "todo" else (text or None),
    )


def state_after(*outcomes: str) -> str:
    progress = Progress()
    for index, outcome in enumerate(outcomes):
        progress.record(report(f"test_{index}", outcome), LOCKS)
    ((exercise, state),) = progress.summary()
    assert exercise.id == "03_locks"
    return state


@pytest.mark.parametrize(
    "outcomes, expected",
    [
        (("passed", "passed"), "done (2 of 2 passing)"),
        (("passed", "skipped"), "done (1 of 1 passing, 1 skipped)"),
        (("todo", "todo"), "not started (0 of 2 passing)"),
        (("todo", "skipped"), "not started (0 of 1 passing, 1 skipped)"),
        (("todo", "failed"), "0 of 2 passing"),
        (("passed", "failed", "skipped"), "1 of 2 passing, 1 skipped"),
        (("skipped",), "all 1 skipped"),
    ],
)
def test_state_counts_only_the_tests_that_ran(outcomes, expected):
    assert state_after(*outcomes) == expected


def test_a_test_that_fails_in_teardown_after_passing_is_not_passing():
    progress = Progress()
    progress.record(report("test_0", "passed"), LOCKS)
    progress.record(report("test_0", "failed", "leaked a thread"), LOCKS)
    ((_, state),) = progress.summary()
    assert state == "0 of 1 passing"
