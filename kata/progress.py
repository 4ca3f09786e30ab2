"""Per-exercise progress: which tests passed, shown at the end of a run and saved as JSON."""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on Windows: merges are then not serialised
    fcntl = None

from kata import manifest
from kata.messages import TODO_MARK


@dataclass
class TestResult:
    nodeid: str
    exercise: str
    outcome: str = "passed"  # "passed" only when setup, call and teardown all passed
    todo: bool = False  # failed only because a stub function is not written yet
    message: str = ""
    error: str = ""  # the type of what failed it (AssertionError, NotImplementedError, Timeout ...)
    seconds: float = 0.0  # setup, call and teardown together


class Progress:
    def __init__(self) -> None:
        self.results: dict[str, TestResult] = {}

    def record(self, report, exercise: manifest.Exercise) -> None:
        result = self.results.setdefault(report.nodeid, TestResult(report.nodeid, exercise.id))
        result.seconds = round(result.seconds + getattr(report, "duration", 0.0), 4)
        if report.skipped and result.outcome == "passed":
            result.outcome = "skipped"
        elif report.failed:
            first_failure = result.outcome != "failed"
            result.outcome = "failed"
            text = str(report.longrepr) if report.longrepr is not None else ""
            if first_failure:
                result.message = text[:2000]
                result.todo = text.startswith(TODO_MARK)
                result.error = getattr(report, "kata_error", "") or "Failed"

    def summary(self) -> list[tuple[manifest.Exercise, str]]:
        """(exercise, state) for each exercise that had tests in this run, in manifest order.

        An exercise is done only when every one of its tests ran and passed: a run with
        -k or -x that ran some of them says how many did not run.
        """
        from kata.runner import test_names

        rows = []
        for exercise in manifest.exercises():
            mine = [r for r in self.results.values() if r.exercise == exercise.id]
            if not mine:
                continue
            # A skipped test (say, one this machine's limits do not allow) is neither
            # work done nor work to do: count only the tests that ran, and say how many
            # were skipped.
            ran = [r for r in mine if r.outcome != "skipped"]
            not_run = max(0, len(test_names(exercise)) - len(mine))
            passed = sum(r.outcome == "passed" for r in ran)
            counted = len(ran) + not_run
            notes = (f", {not_run} not run" if not_run else "") + (
                f", {len(mine) - len(ran)} skipped" if len(ran) < len(mine) else ""
            )
            if not ran and not not_run:
                state = f"all {len(mine)} skipped"
            elif passed == counted:
                state = f"done ({passed} of {counted} passing{notes})"
            elif passed == 0 and all(r.todo for r in ran):
                state = f"not started (0 of {counted} passing{notes})"
            else:
                state = f"{passed} of {counted} passing{notes}"
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


# --- the latest results, remembered between runs (python -m kata list) --------------------

STATE_DIR_ENV = "KATA_STATE_DIR"


def state_dir() -> Path:
    """Where the kata keeps what it remembers: .kata/ at the repository root, or
    $KATA_STATE_DIR (the self-test points it at a temporary folder)."""
    return Path(os.environ.get(STATE_DIR_ENV) or manifest.REPO_ROOT / ".kata")


def load_state() -> dict:
    """{"exercises": {id: {"state", "updated", "tests": {name: {"outcome", "todo"}}}}}."""
    try:
        document = json.loads((state_dir() / "state.json").read_text())
    except (OSError, ValueError):
        return {"exercises": {}}
    if not isinstance(document, dict) or not isinstance(document.get("exercises"), dict):
        return {"exercises": {}}
    return document


def remember(results, target: str = "exercises") -> None:
    """Merge a run's test results into .kata/state.json: each test's latest outcome, and
    the state of each exercise the run touched, recomputed from all its latest outcomes.

    Called at the end of every pytest run (kata.plugin) and by `python -m kata` after the
    runs it starts. Only the learner's own work is remembered: runs against the
    solutions or a submission are not, nor runs that write a --kata-report (the
    self-test's and the grader's).
    """
    rows = [r if isinstance(r, dict) else asdict(r) for r in results]
    if target != "exercises" or not rows:
        return
    folder = state_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder / "state.lock"):
            document = load_state()
            known = document["exercises"]
            touched = {row["exercise"] for row in rows}
            tests = {eid: dict(known.get(eid, {}).get("tests", {})) for eid in touched}
            for row in rows:
                name = row["nodeid"].rpartition("::")[2]
                tests[row["exercise"]][name] = {"outcome": row["outcome"], "todo": bool(row.get("todo"))}
            progress = Progress()
            for eid, by_name in tests.items():
                current = _test_functions(eid)
                for name, test in list(by_name.items()):
                    if current is not None and name.partition("[")[0] not in current:
                        del by_name[name]  # a test that was renamed or removed
                        continue
                    key = f"{eid}::{name}"
                    progress.results[key] = TestResult(key, eid, test["outcome"], test["todo"])
            now = time.time()
            for exercise, state in progress.summary():
                known[exercise.id] = {"state": state, "updated": now, "tests": tests[exercise.id]}
            _save(folder, document)
    except OSError as exc:  # remembering is a convenience: never fail a run for it
        print(f"kata: could not save the latest results in {folder}: {exc}", file=sys.stderr)


def forget(exercise_id: str) -> None:
    """Drop an exercise's remembered results (after `python -m kata reset`)."""
    folder = state_dir()
    if not (folder / "state.json").exists():
        return
    with _locked(folder / "state.lock"):
        document = load_state()
        if document["exercises"].pop(exercise_id, None) is not None:
            _save(folder, document)


def _save(folder: Path, document: dict) -> None:
    """Write the state whole or not at all (a reader never sees half a file)."""
    scratch = folder / f"state.json.{os.getpid()}"
    scratch.write_text(json.dumps(document, indent=2, sort_keys=True))
    os.replace(scratch, folder / "state.json")


def _test_functions(exercise_id: str) -> set[str] | None:
    """The tests the exercise's test file defines now (None: cannot tell)."""
    from kata import runner  # only when results are saved, not at every harness start

    try:
        return set(runner.test_names(manifest.find(exercise_id)))
    except (LookupError, OSError, SyntaxError, ValueError):
        return None


@contextmanager
def _locked(path: Path):
    """Hold an exclusive lock on `path`: two runs finishing at once both get merged."""
    with open(path, "a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)
