"""The progress line an exercise gets at the end of a run (kata.progress)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from kata import manifest, runner
from kata.messages import TODO_MARK
from kata.progress import Progress

LOCKS = next(e for e in manifest.exercises() if e.id == "03_locks")
NAMES = runner.test_names(LOCKS)


def report(name: str, outcome: str, text: str = "") -> SimpleNamespace:
    return SimpleNamespace(
        nodeid=f"exercises/03_locks/test_bank.py::{name}",
        skipped=outcome == "skipped",
        failed=outcome in ("failed", "todo"),
        longrepr=(TODO_MARK + " write deposit") if outcome == "todo" else (text or None),
    )


def state_after(*outcomes: str, rest: str | None) -> str:
    """The state after the first tests had these outcomes and every other one `rest`
    (None: the others did not run, as with -k or -x)."""
    progress = Progress()
    for index, name in enumerate(NAMES):
        outcome = outcomes[index] if index < len(outcomes) else rest
        if outcome is not None:
            progress.record(report(name, outcome), LOCKS)
    ((exercise, state),) = progress.summary()
    assert exercise.id == "03_locks"
    return state


@pytest.mark.parametrize(
    "outcomes, rest, expected",
    [
        ((), "passed", f"done ({len(NAMES)} of {len(NAMES)} passing)"),
        (("skipped",), "passed", f"done ({len(NAMES) - 1} of {len(NAMES) - 1} passing, 1 skipped)"),
        ((), "todo", f"not started (0 of {len(NAMES)} passing)"),
        (("skipped",), "todo", f"not started (0 of {len(NAMES) - 1} passing, 1 skipped)"),
        (("failed",), "todo", f"0 of {len(NAMES)} passing"),
        (("failed", "skipped"), "passed", f"{len(NAMES) - 2} of {len(NAMES) - 1} passing, 1 skipped"),
        ((), "skipped", f"all {len(NAMES)} skipped"),
        # -k picked five tests, all passing: not done.
        (("passed",) * 5, None, f"5 of {len(NAMES)} passing, {len(NAMES) - 5} not run"),
        # -x stopped at the sixth.
        (("passed",) * 5 + ("failed",), None, f"5 of {len(NAMES)} passing, {len(NAMES) - 6} not run"),
    ],
)
def test_state_counts_every_test_of_the_exercise(outcomes, rest, expected):
    assert state_after(*outcomes, rest=rest) == expected


def test_a_test_that_fails_in_teardown_after_passing_is_not_passing():
    progress = Progress()
    for name in NAMES:
        progress.record(report(name, "passed"), LOCKS)
    progress.record(report(NAMES[0], "failed", "leaked a thread"), LOCKS)
    ((_, state),) = progress.summary()
    assert state == f"{len(NAMES) - 1} of {len(NAMES)} passing"
