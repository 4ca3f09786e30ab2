"""Grading a submission: `python -m kata grade --target DIR`.

Each exercise is graded in its own pytest process, against this repository's tests, with
a wall-clock limit. What the grader trusts, and why a submission cannot change it:

- Only the implementation modules are taken from the submission (``NN_name/<module>.py``,
  or ``<module>.py`` at its top level, as Gradescope uploads arrive): its tests,
  ``conftest.py`` files and plugins are never seen, because they are never copied.
- A test scores only with a recorded pass. The record is the report the harness writes at
  the end of the run, signed with a key the grader hands the harness through a pipe that
  is read and closed before any submitted code is imported; a report that is missing, or
  written or changed by anything else, counts every test as failed. Nothing is read from
  the run's printed output, so printing "10 passed" scores nothing, and an early exit
  (``os._exit(0)``, ``sys.exit(0)``), a crash or a hang leaves no signed report.
- The grader makes itself a "child subreaper" (Linux), so that even a process the
  submission detached into a new session stays its descendant; after each exercise every
  such process is killed (psutil), and only then is the report read. Results files are
  written at the very end, when nothing the submission started is alive. Where there is
  no subreaper (macOS, Windows), a process that left the tree (a double fork, or one
  started detached) is not found: the run's process group is killed too where there
  are groups (macOS), and on Windows such a process may outlive its run. It still cannot
  change a report it never had the key for, or the results written from the grader's
  own memory; it can only keep using the machine.
- A submission that imports the test machinery (pytest, pluggy, kata) could rewrite
  outcomes from inside the run, which no signature can prevent: such a module is not run,
  and scores nothing, with the reason shown.
"""

from __future__ import annotations

import argparse
import ast
import base64
import ctypes
import json
import re
import secrets
import shutil
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kata import manifest, platform, processes
from kata.signing import handed_over, verified

FORBIDDEN_IMPORTS = ("pytest", "_pytest", "pluggy", "kata", "conftest")


# --- what a grade is -------------------------------------------------------------------


@dataclass
class TestScore:
    name: str
    max_score: float
    score: float
    status: str  # "passed" or "failed"
    output: str = ""
    seconds: float = 0.0
    error: str = ""  # what failed it: AssertionError, NotImplementedError, Missing ...


@dataclass
class ExerciseGrade:
    id: str
    title: str
    points: float
    tests: list[TestScore]
    seconds: float
    note: str = ""  # why nothing was recorded, when that is the case

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 6)


@dataclass
class Grade:
    target: str
    exercises: list[ExerciseGrade] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return round(sum(e.score for e in self.exercises), 6)

    @property
    def max_score(self) -> float:
        return round(sum(e.points for e in self.exercises), 6)


# --- running one exercise --------------------------------------------------------------


def submission_layouts(exercise: manifest.Exercise) -> tuple[str, ...]:
    """Where a submission may hold an exercise's module, relative to its top, in the order
    they are looked for: the student copy's own layout (a repository as GitHub or
    Gradescope's GitHub upload delivers it), a folder per exercise, or the bare file."""
    name = f"{exercise.module}.py"
    return (f"exercises/{exercise.id}/{name}", f"{exercise.id}/{name}", name)


def find_submitted_module(exercise: manifest.Exercise, submission: Path) -> Path | None:
    for layout in submission_layouts(exercise):
        if (submission / layout).is_file():
            return submission / layout
    return None


def _shown_as(text: str, tree: Path, exercise: manifest.Exercise, shown: str) -> str:
    """The run's messages with the grader's scratch copy of the module named as the
    submission's own file (the harness may copy the tree once more, to kata-target-*)."""
    text = text.replace(str(tree / exercise.id / f"{exercise.module}.py"), shown)
    return re.sub(rf"\S*kata-target-[^/\s]+/{re.escape(exercise.id)}/{re.escape(exercise.module)}\.py", shown, text)


def tampering(source: str) -> str | None:
    """Why this module may not be run under the grader, or None.

    A module that imports the test machinery can rewrite test outcomes from inside the
    run. No exercise needs it, so it is refused outright.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None  # the run itself reports the syntax error, test by test
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [node.value]  # __import__("_pytest"), importlib.import_module(...)
        for name in names:
            if name.split(".")[0] in FORBIDDEN_IMPORTS:
                return (
                    f"it refers to the module {name!r} (line {node.lineno}): a submission "
                    "may not use the test machinery (pytest, pluggy, kata)"
                )
    return None


def become_subreaper() -> bool:
    """Adopt orphaned descendants (Linux prctl PR_SET_CHILD_SUBREAPER), so none escapes."""
    if not platform.SUBREAPER:
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(36, 1, 0, 0, 0) == 0  # 36 = PR_SET_CHILD_SUBREAPER


def kill_descendants(deadline_seconds: float = 10.0) -> list[int]:
    """Kill every process below this one, adopted orphans included; returns their pids."""
    killed: list[int] = []
    deadline = time.monotonic() + deadline_seconds
    quiet_rounds = 0
    while quiet_rounds < 2 and time.monotonic() < deadline:
        alive = processes.descendants()
        processes.send_kill(alive)
        killed.extend(alive)
        processes.reap()  # adopted orphans are ours to reap
        quiet_rounds = 0 if alive else quiet_rounds + 1
    return killed


def wall_limit(exercise: manifest.Exercise) -> float:
    """Room for every test to run into its own 10 s time limit, and then some."""
    from kata import runner

    return 30.0 + 12.0 * len(runner.test_names(exercise))


def grade_exercise(exercise: manifest.Exercise, submission: Path, *, wall_seconds: float | None = None) -> ExerciseGrade:
    from kata import runner

    names = runner.test_names(exercise)
    each = exercise.points / len(names) if names else 0.0
    started = time.monotonic()

    def result(outcomes: dict[str, dict], note: str = "") -> ExerciseGrade:
        tests = []
        for name in names:
            row = outcomes.get(name) or {"outcome": "missing", "message": note or "no result was recorded for this test", "error": "Missing"}
            passed = row["outcome"] == "passed"
            tests.append(TestScore(
                name, each, each if passed else 0.0, "passed" if passed else "failed",
                "" if passed else row.get("message", ""), float(row.get("seconds", 0.0)),
                "" if passed else row.get("error") or "Failed",
            ))  # fmt: skip
        return ExerciseGrade(exercise.id, exercise.title, exercise.points, tests, time.monotonic() - started, note)

    module = find_submitted_module(exercise, submission)
    if module is None:
        looked = ", ".join(submission_layouts(exercise))
        return result({}, f"no {exercise.module}.py in the submission (looked for {looked})")
    shown = module.relative_to(submission).as_posix()
    source = module.read_text(encoding="utf-8", errors="replace")
    refused = tampering(source)
    if refused:
        return result({}, f"{exercise.module}.py was not run: {refused}")

    with tempfile.TemporaryDirectory(prefix="kata-grade-") as scratch:
        tree = Path(scratch) / "target"
        (tree / exercise.id).mkdir(parents=True)
        shutil.copyfile(module, tree / exercise.id / f"{exercise.module}.py")
        report = Path(scratch) / "report.json"
        key = secrets.token_bytes(32)
        with handed_over(key, Path(scratch), pipe=platform.PASS_FDS) as (env, pass_fds):
            run = runner.run_exercise(
                exercise,
                tree,
                wall_seconds=wall_seconds or wall_limit(exercise),
                report=report,
                pass_fds=pass_fds,
                env=env,
            )
        kill_descendants()  # before the report is read: nothing of the submission is left to touch it
        payload = None
        if report.exists():
            try:
                payload = verified(json.loads(report.read_text()), key)
            except (ValueError, OSError):
                payload = None
    if payload is None:
        if run.returncode is None:
            note = f"the run was stopped at its wall-clock limit ({wall_seconds or wall_limit(exercise):g} s) and left no results"
        else:
            note = f"the run ended (exit status {run.returncode}) without a signed record of its results"
        return result({}, note + "\n\n" + _shown_as(run.output[-2000:], tree, exercise, shown))
    outcomes = {
        t["nodeid"].rpartition("::")[2]: {**t, "message": _shown_as(t.get("message", ""), tree, exercise, shown)}
        for t in payload.get("tests", [])
        if t.get("exercise") == exercise.id
    }
    return result(outcomes)


def grade(submission: Path, exercises: list[manifest.Exercise] | None = None, *, wall_seconds: float | None = None) -> Grade:
    become_subreaper()
    started = time.monotonic()
    graded = Grade(str(submission))
    for exercise in exercises or manifest.exercises():
        graded.exercises.append(grade_exercise(exercise, submission, wall_seconds=wall_seconds))
    graded.seconds = time.monotonic() - started
    return graded


# --- the outputs -----------------------------------------------------------------------


def table(graded: Grade) -> str:
    width = max((len(e.id) for e in graded.exercises), default=10)
    lines = [f"Grading {graded.target}", ""]
    for e in graded.exercises:
        passed = sum(t.status == "passed" for t in e.tests)
        lines.append(f"  {e.id:<{width}}  {e.score:6.2f} / {e.points:<6g} {passed:>2} of {len(e.tests)} tests passed")
        if e.note:
            lines.append(f"  {'':<{width}}  {e.note.splitlines()[0]}")
    lines.append("")
    lines.append(f"  {'total':<{width}}  {graded.score:6.2f} / {graded.max_score:g}   ({graded.seconds:.1f} s)")
    return "\n".join(lines)


def gradescope_results(graded: Grade) -> dict:
    """Gradescope's results.json: https://gradescope-autograders.readthedocs.io/en/latest/specs/"""
    tests = []
    for e in graded.exercises:
        for t in e.tests:
            tests.append({
                "name": f"{e.id} · {t.name}",
                "score": t.score,
                "max_score": t.max_score,
                "status": t.status,
                "output": t.output[:5000],
                "visibility": "visible",
            })  # fmt: skip
    return {
        "score": round(graded.score, 4),
        "execution_time": round(graded.seconds),
        "output": table(graded),
        "visibility": "visible",
        "tests": tests,
    }


def junit_xml(graded: Grade) -> bytes:
    root = ET.Element("testsuites", name="kata", time=f"{graded.seconds:.3f}")
    total = failures = 0
    for e in graded.exercises:
        failed = [t for t in e.tests if t.status != "passed"]
        suite = ET.SubElement(
            root, "testsuite", name=e.id, tests=str(len(e.tests)), failures=str(len(failed)),
            errors="0", skipped="0", time=f"{e.seconds:.3f}",
        )  # fmt: skip
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="score", value=f"{e.score:g}")
        ET.SubElement(properties, "property", name="max_score", value=f"{e.points:g}")
        for t in e.tests:
            case = ET.SubElement(suite, "testcase", classname=f"exercises.{e.id}", name=t.name, time=f"{t.seconds:.3f}")
            if t.status != "passed":
                failure = ET.SubElement(case, "failure", type=t.error or "Failed", message=(t.output.splitlines() or ["failed"])[0][:500])
                failure.text = t.output
        total += len(e.tests)
        failures += len(failed)
    root.set("tests", str(total))
    root.set("failures", str(failures))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def classroom_result(graded: Grade) -> dict:
    """What GitHub Classroom's grading reporter reads from a step's `result` output (base64
    JSON): each test's own score, so Classroom adds up the same points as the grader."""
    tests = [
        {
            "name": f"{e.id} · {t.name}",
            "status": "pass" if t.status == "passed" else "fail",
            "score": t.score,
            "message": t.output[:2000],
            "line_no": 0,
            "execution_time": f"{t.seconds:.2f}s",
        }
        for e in graded.exercises
        for t in e.tests
    ]  # fmt: skip
    failed = any(t["status"] != "pass" for t in tests)
    return {"version": 1, "status": "fail" if failed else "pass", "max_score": graded.max_score, "tests": tests}


def summary_json(graded: Grade) -> dict:
    return {
        "target": graded.target,
        "score": graded.score,
        "max_score": graded.max_score,
        "seconds": round(graded.seconds, 3),
        "exercises": [{**asdict(e), "score": e.score} for e in graded.exercises],
    }


# --- the command -----------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", required=True, type=Path, help="the submission: a folder laid out as NN_name/<module>.py (or <module>.py files)")
    parser.add_argument("--only", nargs="+", metavar="NN", default=None, help="grade only these exercises (03 or 03_locks)")
    parser.add_argument("--wall-seconds", type=float, default=None, help="wall-clock limit per exercise (default: 30 s plus 12 s a test)")
    parser.add_argument("--gradescope", type=Path, metavar="PATH", help="write Gradescope's results.json here")
    parser.add_argument("--junit", type=Path, metavar="PATH", help="write JUnit XML here")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write a plain JSON summary here")
    parser.add_argument(
        "--classroom", type=Path, metavar="PATH",
        help="append GitHub Classroom's step output (result=<base64 JSON>) to this file: $GITHUB_OUTPUT in a workflow",
    )  # fmt: skip
    parser.add_argument(
        "--require-all", action="store_true",
        help="exit with status 1 unless every test passed (GitHub Classroom's command grader scores by exit status)",
    )  # fmt: skip


def select(names: list[str] | None) -> list[manifest.Exercise]:
    if not names:
        return list(manifest.exercises())
    try:
        return list(dict.fromkeys(manifest.find(name) for name in names))  # each once, in order
    except LookupError as exc:
        raise SystemExit(f"kata grade: {exc}") from None


def run(args: argparse.Namespace) -> int:
    submission = args.target.expanduser().resolve()
    if not submission.is_dir():
        print(f"kata grade: --target {args.target} is not a folder", file=sys.stderr)
        return 2
    graded = grade(submission, select(args.only), wall_seconds=args.wall_seconds)
    # Everything the submission started is dead by now (see grade_exercise): only now
    # are the results written, so nothing of it can overwrite them.
    print(table(graded))
    for path, content in (
        (args.gradescope, lambda: json.dumps(gradescope_results(graded), indent=2)),
        (args.junit, lambda: junit_xml(graded).decode()),
        (args.json, lambda: json.dumps(summary_json(graded), indent=2)),
    ):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content())
    if args.classroom is not None:
        encoded = base64.b64encode(json.dumps(classroom_result(graded)).encode()).decode()
        with args.classroom.open("a") as output:
            output.write(f"result={encoded}\n")
    if args.require_all and graded.score < graded.max_score:
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kata grade", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
