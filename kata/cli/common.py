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
    from kata import processes

    leftovers = set(processes.descendants())
    if leftovers:
        processes.kill(leftovers)


# --- README and hints --------------------------------------------------------------------------
#
# One shape for every exercise, read by one parser: the CLI (next, watch, hint) and the
# self-test (tests/test_exercises.py) both use the functions below.
#
#   README.md   # NN · title
#               ## The idea / ## What you write / ## How it works in Python 3 /
#               ## What changed since Python 2 / ## Measured (optional, last)
#   hints.md    # Hints for NN_name
#               ## Hint 1 · topic, ## Hint 2 · topic ... (mildest first)
#
# Headings are only headings outside code fences: a `# comment` in a ``` block is code.

README_SECTIONS = ("The idea", "What you write", "How it works in Python 3", "What changed since Python 2")
README_OPTIONAL_LAST = "Measured"
TASKS_SECTION = "What you write"
TASKS_WITHIN_WORDS = 250  # "What you write" starts within the first screen of the README

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_HINT = re.compile(r"^Hint (\d+) · (\S.*)$")


@dataclass
class Line:
    text: str
    in_fence: bool  # inside a code fence, or one of its fence lines


def lines(text: str) -> list[Line]:
    """The lines of a Markdown text, each marked in or out of a code fence."""
    marked: list[Line] = []
    fence = ""
    for line in text.splitlines():
        opening = _FENCE.match(line)
        if fence:
            marked.append(Line(line, True))
            closing = opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence)
            if closing and not line.strip().lstrip(fence[0]):  # a closing fence carries no info string
                fence = ""
        elif opening:
            fence = opening.group(1)
            marked.append(Line(line, True))
        else:
            marked.append(Line(line, False))
    return marked


def heading(line: Line) -> tuple[int, str] | None:
    """(level, title) when the line is a heading outside a code fence."""
    found = None if line.in_fence else _HEADING.match(line.text)
    return (len(found.group(1)), found.group(2)) if found else None


@dataclass
class Section:
    title: str  # the heading's text, "" for what comes before the first heading
    level: int
    body: str  # everything up to the next heading of this level or higher, stripped


def sections(text: str, level: int = 2) -> list[Section]:
    """The text cut at its headings of `level` and above (outside code fences), in order.
    Deeper headings stay in the body of the section they sit in."""
    found = [Section("", 0, "")]
    bodies: list[list[str]] = [[]]
    for line in lines(text):
        head = heading(line)
        if head and head[0] <= level:
            found.append(Section(head[1], head[0], ""))
            bodies.append([])
        else:
            bodies[-1].append(line.text)
    for section, body in zip(found, bodies):
        section.body = "\n".join(body).strip()
    return found


def words_before(text: str, title: str, level: int = 2) -> int | None:
    """How many words (outside code fences) come before the heading `title`."""
    count = 0
    for line in lines(text):
        if heading(line) == (level, title):
            return count
        if not line.in_fence:
            count += len(line.text.split())
    return None


def readme_problems(text: str) -> list[str]:
    """What keeps a README from the shared shape; [] when it has it."""
    problems = []
    found = sections(text)
    if found[0].body or len(found) < 2 or found[1].level != 1 or not re.match(r"\d\d · \S", found[1].title):
        problems.append("the first line is not the title `# NN · ...`")
    if any(s.level == 1 for s in found[2:]):
        problems.append("a second level-1 heading: " + ", ".join(f"`# {s.title}`" for s in found[2:] if s.level == 1))
    titles = [s.title for s in found if s.level == 2]
    wanted = list(README_SECTIONS) + ([README_OPTIONAL_LAST] if titles[-1:] == [README_OPTIONAL_LAST] else [])
    if titles != wanted:
        problems.append(
            "the level-2 headings are " + (", ".join(titles) or "none")
            + "; expected exactly " + ", ".join(README_SECTIONS) + f" (then {README_OPTIONAL_LAST}, optional)"
        )
    empty = [s.title for s in found if s.level == 2 and not s.body]
    if empty:
        problems.append("empty sections: " + ", ".join(empty))
    before = words_before(text, TASKS_SECTION)
    if before is not None and before > TASKS_WITHIN_WORDS:
        problems.append(
            f"{before} words come before `## {TASKS_SECTION}`; at most {TASKS_WITHIN_WORDS}, so the tasks "
            "are on the first screen (trim `## The idea`, move the rest to `## How it works in Python 3`)"
        )
    return problems


def tasks_section(exercise: manifest.Exercise) -> str:
    """The README's `## What you write` section (the tasks), "" if it has none."""
    readme = exercise.folder / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    for section in sections(text):
        if section.level == 2 and section.title == TASKS_SECTION:
            return section.body
    return ""


@dataclass
class Hint:
    number: int
    topic: str  # the task or function the hint is about: "withdraw"
    text: str


def parse_hints(text: str) -> tuple[str, list[Hint], list[str]]:
    """(title, hints, problems) of a hints.md: `# Hints for NN_name`, then `## Hint N · topic`
    sections numbered 1..n, mildest first. `problems` is [] when the file has that shape."""
    found = sections(text)
    problems = []
    title = found[1].title if len(found) > 1 and found[1].level == 1 else ""
    if not title or found[0].body:
        problems.append("the first line is not the title `# Hints for NN_name`")
    parsed = []
    for section in found[1:]:
        hint = _HINT.match(section.title) if section.level == 2 else None
        if hint:
            parsed.append(Hint(int(hint.group(1)), hint.group(2).strip(), section.body))
            if not section.body:
                problems.append(f"`## {section.title}` is empty")
        elif section is not found[1] or section.level != 1:
            problems.append(f"`{'#' * section.level} {section.title}` is not `## Hint N · topic`")
    numbers = [h.number for h in parsed]
    if numbers != list(range(1, len(parsed) + 1)):
        problems.append(f"the hints are numbered {numbers}; expected 1 to {len(parsed)} in order")
    if not parsed:
        problems.append("no `## Hint N · topic` sections")
    return title, parsed, problems


def hints_problems(text: str, exercise_id: str) -> list[str]:
    """What keeps an exercise's hints.md from the one format; [] when it has it."""
    title, _, problems = parse_hints(text)
    if title and title != f"Hints for {exercise_id}":
        problems.insert(0, f"the title is `# {title}`; expected `# Hints for {exercise_id}`")
    return problems


def hints(exercise: manifest.Exercise) -> list[Hint]:
    """The hints in hints.md, mildest first (`## Hint N · topic` sections)."""
    path = exercise.folder / "hints.md"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return parse_hints(text)[1]


def timestamp() -> str:
    return time.strftime("%Y%m%d-%H%M%S")
