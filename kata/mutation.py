"""Mutation testing of the reference solutions, through the harness (cosmic-ray).

    python -m kata.mutation [EXERCISE ...] [--report-dir DIR] [--skip-operators REGEX]

For each exercise (03, 03_locks or bank; all of them when none is named) cosmic-ray lists
the mutants of solutions/NN_name/<module>.py and writes each one over the file in turn;
every mutant then goes through the real harness,

    python -m pytest exercises/NN_name --kata-target solutions -x -q -p no:cacheprovider

so a child process started with spawn or forkserver imports the mutant too. A mutant is
killed when that run fails or outlives the time limit (a hang is a kill), and survives
when it passes: then a test is missing, or the mutant is equivalent to the reference.
Mutants inside type annotations are not run (the annotations are never evaluated).

Mutants are written into a scratch copy of the parts of the repository a run needs
(kata/, exercises/, solutions/ and the pytest configuration), never over this checkout's
solutions: tests run against solutions/ meanwhile, and a commit made meanwhile, are not
touched by a mutant. cosmic-ray's session database lives in that scratch folder too.
Needs the `mutation` extra: pip install -e '.[mutation]'.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from kata import processes
from kata.manifest import REPO_ROOT, Exercise, exercises, find


@dataclass
class Outcome:
    exercise: Exercise
    killed: int = 0
    survivors: list[str] = field(default_factory=list)
    skipped: int = 0
    seconds: float = 0.0
    problem: str = ""

    @property
    def mutants(self) -> int:
        return self.killed + len(self.survivors)

    def summary(self) -> str:
        if self.problem:
            return f"{self.exercise.id}: not measured: {self.problem}"
        score = 100.0 * self.killed / self.mutants if self.mutants else 100.0
        return (f"{self.exercise.id}: {self.mutants} mutants, {self.killed} killed, "
                f"{len(self.survivors)} survived, score {score:.1f}% "
                f"({self.skipped} not run: in annotations or skipped operators; {self.seconds:.0f} s)")


def harness_command(exercise: Exercise) -> list[str]:
    return [sys.executable, "-m", "pytest", f"exercises/{exercise.id}", "--kata-target", "solutions",
            "-x", "-q", "-p", "no:cacheprovider"]


# What a run of an exercise's tests needs, copied from the repository for the mutants.
COPIED = ("conftest.py", "setup.cfg", "pyproject.toml", "kata", "exercises", "solutions")


def scratch_copy(into: Path) -> Path:
    """The parts of this repository a run needs, copied into `into`. Run from there,
    `python -m pytest` imports that copy's kata (the current folder comes first on
    sys.path, and spawned children inherit it), so its manifest reads its solutions."""
    into.mkdir(parents=True, exist_ok=True)
    for part in COPIED:
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, into / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, into / part)
    return into


def run_harness(exercise: Exercise, timeout: float, root: Path) -> tuple[bool, str]:
    """(passed, last lines of output), run in the copy at `root`. Its own process group,
    killed whole on timeout or Ctrl-C."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    with subprocess.Popen(harness_command(exercise), cwd=root, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True) as proc:
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False, f"timed out after {timeout:.0f} s"
        finally:
            if proc.poll() is None:
                processes.kill_tree(proc.pid, group=True)
                proc.wait()
    return proc.returncode == 0, "\n".join(output.strip().splitlines()[-3:])


def annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    spans = []
    for node in ast.walk(ast.parse(source)):
        notes = [getattr(node, "returns", None), getattr(node, "annotation", None)]
        spans += [((n.lineno, n.col_offset), (n.end_lineno, n.end_col_offset)) for n in notes if n is not None]
    return spans


def changed_line(before: str, after: str) -> str:
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))[2:]
    old = " / ".join(line[1:].strip() for line in diff if line.startswith("-"))
    new = " / ".join(line[1:].strip() for line in diff if line.startswith("+"))
    return f"{old!r} -> {new!r}"


def mutate_exercise(exercise: Exercise, skip_operators: str | None) -> Outcome:
    from cosmic_ray.commands import init
    from cosmic_ray.mutating import use_mutation
    from cosmic_ray.plugins import get_operator
    from cosmic_ray.work_db import use_db

    outcome = Outcome(exercise)
    relative = exercise.solution.relative_to(REPO_ROOT)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kata-mutation-") as scratch:
        root = scratch_copy(Path(scratch) / "repo")
        path = root / relative
        passed, output = run_harness(exercise, 300, root)
        baseline = time.monotonic() - started
        if not passed:
            outcome.problem = f"the unmutated solution fails its tests:\n{output}"
            return outcome
        timeout = 3 * baseline + 15
        spans = annotation_spans(path.read_text(encoding="utf-8"))
        with use_db(Path(scratch) / "session.sqlite") as work_db:
            init([path], work_db, {})
            items = sorted(work_db.pending_work_items, key=lambda i: (i.mutations[0].start_pos, i.mutations[0].operator_name))
            for number, item in enumerate(items, 1):
                spec = item.mutations[0]
                operator = spec.operator_name.partition("/")[2]
                if any(a <= tuple(spec.start_pos) < b for a, b in spans) or (skip_operators and re.search(skip_operators, operator)):
                    outcome.skipped += 1
                    continue
                with use_mutation(path, get_operator(spec.operator_name)(), spec.occurrence) as (before, after):
                    if after is None:
                        continue
                    passed, output = run_harness(exercise, timeout, root)
                if passed:
                    line = f"{relative}:{spec.start_pos[0]}  {operator}  {changed_line(before, after)}"
                    outcome.survivors.append(line)
                    print(f"  [{number}/{len(items)}] survived {line}", flush=True)
                else:
                    outcome.killed += 1
    outcome.seconds = time.monotonic() - started
    return outcome


def report(outcome: Outcome) -> str:
    lines = [outcome.summary(), "  command: python " + " ".join(harness_command(outcome.exercise)[1:])]
    lines += [f"  survived {s}" for s in outcome.survivors]
    return "\n".join(lines) + "\n"


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kata.mutation", description=__doc__.split("\n\n")[0])
    parser.add_argument("exercises", nargs="*", metavar="EXERCISE", help="03, 03_locks or bank (default: all)")
    parser.add_argument("--report-dir", type=Path, help="write each exercise's report to DIR/NN_name.txt")
    parser.add_argument("--skip-operators", metavar="REGEX", help="do not run mutants of these cosmic-ray operators")
    args = parser.parse_args(argv)
    try:
        import cosmic_ray  # noqa: F401
    except ImportError:
        parser.error("cosmic-ray is not installed: pip install -e '.[mutation]'")
    try:
        chosen = [find(spec) for spec in args.exercises] or list(exercises())
    except LookupError as error:
        parser.error(str(error))
    signal.signal(signal.SIGTERM, _terminate)
    if hasattr(signal, "SIGHUP"):  # Windows has none
        signal.signal(signal.SIGHUP, _terminate)
    failed = False
    for exercise in chosen:
        print(f"{exercise.id}: mutating {exercise.solution.relative_to(REPO_ROOT)}", flush=True)
        outcome = mutate_exercise(exercise, args.skip_operators)
        text = report(outcome)
        print(text, flush=True)
        failed |= bool(outcome.problem)
        if args.report_dir:
            args.report_dir.mkdir(parents=True, exist_ok=True)
            (args.report_dir / f"{exercise.id}.txt").write_text(text, encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
