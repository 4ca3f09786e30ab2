"""Per-exercise progress: which tests passed, shown at the end of a run and saved as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from kata import manifest
from kata.messages import TODO_MARK


@dataclass
class TestResult:
    nodeid: str
    exercise: str
    outcome: str = "passed"  # "passed" only when setup, call and teardown all passed
    todo: bool = False  # failed only because a stub function is not written yet
    message: str = ""


class Progress:
    def __init__(self) -> None:
        self.results: dict[str, TestResult] = {}

    def record(self, report, exercise: manifest.Exercise) -> None:
        result = self.results.setdefault(report.nodeid, TestResult(report.nodeid, exercise.id))
        if report.skipped and result.outcome == "passed":
            result.outcome = "skipped"
        elif report.failed:
            first_failure = result.outcome != "failed"
            result.outcome = "failed"
            text = str(report.longrepr) if report.longrepr is not None else ""
            if first_failure:
                result.message = text[:2000]
                result.todo = text.startswith(TODO_MARK)

    def summary(self) -> list[tuple[manifest.Exercise, str]]:
        """(exercise, state) for each exercise that had tests in this run, in manifest order."""
        rows = []
        for exercise in manifest.exercises():
            mine = [r for r in self.results.values() if r.exercise == exercise.id]
            if not mine:
                continue
            # A skipped test (say, one this machine's limits do not allow) is neither
            # work done nor work to do: count only the tests that ran, and say how many
            # were skipped.
            ran = [r for r in mine if r.outcome != "skipped"]
            passed = sum(r.outcome == "passed" for r in ran)
            skipped = f", {len(mine) - len(ran)} skipped" if len(ran) < len(mine) else ""
            if not ran:
                state = f"all {len(mine)} skipped"
            elif passed == len(ran):
                state = f"done ({passed} of {len(ran)} passing{skipped})"
            elif passed == 0 and all(r.todo for r in ran):
                state = f"not started (0 of {len(ran)} passing{skipped})"
            else:
                state = f"{passed} of {len(ran)} passing{skipped}"
            rows.append((exercise, state))
        return rows

    def lines(self) -> list[str]:
        rows = self.summary()
        width = max((len(e.id) for e, _ in rows), default=0)
        return [f"  {e.id:<{width}}  {state:<28} {e.title}" for e, state in rows]

    def payload(self, **about) -> dict:
        return {
            **about,
            "exercises": {e.id: state for e, state in self.summary()},
            "tests": [asdict(r) for r in self.results.values()],
        }

    def write_json(self, path: Path, **about) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.payload(**about), indent=2))
