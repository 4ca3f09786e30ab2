"""What the commands share: naming an exercise, the target tree, the remembered
results, running one exercise in its own pytest process, and reading README and hints."""

from __future__ import annotations

import json
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kata import manifest, progress, runner


class CliError(Exception):
    """A mistake the user can fix: printed as one line, exit status `status`."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


# --- naming things -------------------------------------------------------------------------


def find_exercise(spec: str) -> manifest.Exercise:
    """The exercise named "03", "3", "03_locks" or "locks" (manifest.find)."""
    try:
        return manifest.find(spec)
    except LookupError as exc:
        raise CliError(str(exc)) from None


def shown(path: Path) -> str:
    """A path as a person in the current folder would type it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def number(exercise: manifest.Exercise) -> str:
    return exercise.id.partition("_")[0]


# --- the target tree -----------------------------------------------------------------------


def add_target_option(parser, what: str) -> None:
    parser.add_argument(
        "--target",
        default="exercises",
        metavar="exercises|solutions|DIR",
        help=f"{what}: 'exercises' (your work, the default), 'solutions' (the reference), "
        "or a folder laid out as NN_name/<module>.py, such as a student's submission",
    )


def target_root(spec: str) -> Path:
    if spec == "exercises":
        return manifest.EXERCISES_DIR
    if spec == "solutions":
        return manifest.SOLUTIONS_DIR
    root = Path(spec).expanduser().resolve()
    if not root.is_dir():
        raise CliError(f"--target {spec!r}: expected 'exercises', 'solutions' or a folder laid out as NN_name/<module>.py")
    return root


def module_path(exercise: manifest.Exercise, spec: str) -> Path:
    return target_root(spec) / exercise.id / f"{exercise.module}.py"


# --- states ---------------------------------------------------------------------------------

NEVER_RUN = "not started (no results yet)"


def is_done(state: str | None) -> bool:
    """Done, or nothing this machine can run (every test skipped)."""
    return bool(state) and (state.startswith("done") or state.startswith("all "))


def latest_states() -> dict[str, dict]:
    """Each exercise's remembered result: {"state", "updated", "tests"}."""
    return progress.load_state()["exercises"]


def first_not_done(states: dict[str, dict], after: manifest.Exercise | None = None) -> manifest.Exercise | None:
    """The first exercise (after `after`, if given) whose latest result is not done."""
    exercises = list(manifest.exercises())
    if after is not None:
        exercises = exercises[exercises.index(after) + 1 :]
    for exercise in exercises:
        if not is_done(states.get(exercise.id, {}).get("state")):
            return exercise
    return None


def table(rows: list[tuple[manifest.Exercise, str]]) -> list[str]:
    """The progress table, in the layout of the end of a pytest run."""
    width = max((len(e.id) for e, _ in rows), default=0)
    state_width = max([28] + [len(s) for _, s in rows])
    return [f"  {e.id:<{width}}  {state:<{state_width}}  {e.title}" for e, state in rows]


# --- one exercise, in its own pytest process -------------------------------------------------


@dataclass
class Outcome:
    exercise: manifest.Exercise
    state: str  # as the progress table words it, or why there is no result
    passed: bool
    run: runner.Run


def run_exercise(
    exercise: manifest.Exercise,
    target: str = "exercises",
    *,
    wall_seconds: float = 120.0,
    start_method: str | None = None,
) -> Outcome:
    """Run one exercise's tests against `target` (kata.runner) and read the result.

    Against your own work (target 'exercises') the result is remembered in .kata/, as a
    plain `pytest exercises/NN` would remember it.
    """
    spec = target if target in ("exercises", "solutions") else str(target_root(target))
    with tempfile.TemporaryDirectory(prefix="kata-cli-") as scratch:
        report = Path(scratch) / "report.json"
        run = runner.run_exercise(exercise, spec, report=report, wall_seconds=wall_seconds, start_method=start_method)
        try:
            document = json.loads(report.read_text())
        except (OSError, ValueError):
            document = {}
    tests = document.get("tests", [])
    progress.remember(tests, target=target)
    state = document.get("exercises", {}).get(exercise.id)
    if run.returncode is None:
        state = f"no result: stopped after {wall_seconds:g} s"
    elif state is None:
        state = f"no result: pytest ended with status {run.returncode}"
    passed = run.returncode == 0 and is_done(state)
    return Outcome(exercise, state, passed, run)


def kill_children() -> None:
    """End the pytest runs we started (they run in sessions of their own, so the
    terminal's Ctrl-C does not reach them)."""
    from kata import guard

    leftovers = set(guard.descendants())
    if leftovers:
        guard.kill(leftovers)


# --- README and hints --------------------------------------------------------------------------


def tasks_section(exercise: manifest.Exercise) -> tuple[str, str]:
    """(heading, text) of the README's tasks section ("## Your tasks", "## Tasks" ...)."""
    readme = exercise.folder / "README.md"
    text = readme.read_text() if readme.is_file() else ""
    sections = re.split(r"^(?=## )", text, flags=re.M)
    for section in sections:
        heading, _, body = section.partition("\n")
        if heading.startswith("## ") and "task" in heading.lower():
            return heading[3:].strip(), body.strip()
    return "", ""


@dataclass
class Hint:
    context: str  # the task heading a hint sits under, if the file groups them so
    text: str


def hints(exercise: manifest.Exercise) -> list[Hint]:
    """The hints in hints.md, mildest first: `## Hint N` sections, or `### Hint N`
    sections grouped under `## Task ...` headings."""
    path = exercise.folder / "hints.md"
    text = path.read_text() if path.is_file() else ""
    found: list[Hint] = []
    headings: dict[int, str] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        heading = re.match(r"^(#{1,6})\s+(.*?)\s*$", line)
        if heading:
            if current is not None:
                found[-1].text = "\n".join(current).strip()
                current = None
            level, title = len(heading.group(1)), heading.group(2)
            if re.match(r"hint\b", title, re.I):
                context = " / ".join(headings[k] for k in sorted(headings) if 1 < k < level)
                found.append(Hint(context, ""))
                current = []
            else:
                headings = {k: v for k, v in headings.items() if k < level}
                headings[level] = title
        elif current is not None:
            current.append(line)
    if current is not None:
        found[-1].text = "\n".join(current).strip()
    return found


def timestamp() -> str:
    return time.strftime("%Y%m%d-%H%M%S")
