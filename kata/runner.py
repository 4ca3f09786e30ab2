"""Running one exercise's tests in a fresh pytest process, and reading what happened.

The self-test uses this to try the stub, the solution and every mutant under each start
method; each run is its own process so that a wrong implementation can neither hang nor
poison the run that checks it.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from kata import manifest, platform, processes, simulation


@dataclass
class Run:
    returncode: int | None  # None: killed at the wall-clock limit
    seconds: float
    output: str
    outcomes: dict[str, str] = field(default_factory=dict)  # test name -> passed/failed/...

    def failed(self) -> set[str]:
        return {name for name, outcome in self.outcomes.items() if outcome != "passed"}

    def passed(self) -> set[str]:
        return {name for name, outcome in self.outcomes.items() if outcome == "passed"}


def run_exercise(
    exercise: manifest.Exercise,
    target: str | Path,
    *,
    start_method: str | None = None,
    extra_args: tuple[str, ...] = (),
    wall_seconds: float = 120.0,
    report: Path | None = None,
    pass_fds: tuple[int, ...] = (),
    env: dict[str, str] | None = None,
    tests: list[str] | None = None,
    simulate: str | None = platform.SIMULATED,
) -> Run:
    """Run one exercise's tests against `target` in a fresh pytest process.

    `tests`: only these test functions (by name), not the whole file: a mutant's run
    needs only the tests its docstring says catch it.

    `report`: where the harness writes its JSON report (read here into Run.outcomes;
    default: a scratch file). `pass_fds` and `env` reach the pytest process as they
    would through subprocess.Popen (the grader hands the harness its signing key so).
    `simulate`: the system the run simulates (KATA_SIMULATE; default: as this process).
    """
    with tempfile.TemporaryDirectory(prefix="kata-run-") as scratch:
        report = report or Path(scratch) / "report.json"
        selected = [f"{exercise.test_file}::{name}" for name in tests] if tests else [str(exercise.folder)]
        command = [
            sys.executable, "-m", "pytest", *selected,
            f"--kata-target={target}", f"--kata-report={report}",
            "-q", "-p", "no:cacheprovider", *extra_args,
        ]  # fmt: skip
        if start_method:
            command.append(f"--start-method={start_method}")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KATA_", "PYTEST_"))} | (env or {})
        env = simulation.child_environment(env, simulate)
        # What it prints comes back as UTF-8 whatever the system's locale (Windows: a code
        # page that has no box-drawing characters, and a console it does not write to here)
        env["PYTHONIOENCODING"] = "utf-8"
        started = time.monotonic()
        # Output goes to a file, not a pipe: a process the tests started and detached into
        # its own session would hold a pipe open, and reading it to its end would wait
        # for that process instead of for pytest.
        with open(Path(scratch) / "output.txt", "w+", encoding="utf-8", errors="replace") as output_file:
            process = subprocess.Popen(
                command,
                cwd=manifest.REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output_file,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,  # its own process group, where there are groups
                **({"pass_fds": pass_fds} if pass_fds else {}),  # Windows has no pass_fds
            )
            try:
                returncode = process.wait(timeout=wall_seconds)
            except subprocess.TimeoutExpired:
                processes.kill_tree(process.pid, group=True)
                process.wait()
                returncode = None
            output_file.seek(0)
            output = output_file.read()
        seconds = time.monotonic() - started
        outcomes = {}
        try:
            document = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
        except ValueError:  # cut short while being written
            document = {}
        # A signed report (see kata.grading) has no plain "tests": the grader checks it.
        for test in document.get("tests", []):
            outcomes[test["nodeid"].rpartition("::")[2]] = test["outcome"]
    return Run(returncode, seconds, output, outcomes)


def stage(exercise: manifest.Exercise, source: Path, into: Path) -> Path:
    """A target tree holding `source` as this exercise's module; returns the tree's root."""
    folder = into / exercise.id
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, folder / f"{exercise.module}.py")
    return into


def test_names(exercise: manifest.Exercise) -> list[str]:
    """The test functions an exercise's test file defines, read without importing it.

    A test that is missing from a run's results counts as failed against this list.
    """
    tree = ast.parse(exercise.test_file.read_text(encoding="utf-8"))
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]


def mutant_expectations(path: Path) -> tuple[list[str], list[str]]:
    """(tests that must fail, phrases the output must contain), from a mutant's docstring.

    A mutant's docstring names its mistake, then 'Caught by: test_a, test_b' and
    optionally 'Says: phrase' lines.
    """
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    caught = re.search(r"^Caught by:\s*(.+)$", doc, re.M)
    says = re.findall(r"^Says:\s*(.+)$", doc, re.M)
    tests = [t.strip() for t in caught.group(1).split(",")] if caught else []
    return tests, [s.strip() for s in says]


ALL_START_METHODS = ("fork", "forkserver", "spawn")


def mutant_start_methods(path: Path) -> tuple[str, ...]:
    """The start methods under which a mutant is wrong: its docstring's 'Caught under:
    fork, spawn' line, or every method. (Some code is right under one method and wrong
    under another: a child that is not given the parent's end of a pipe still inherits
    it under fork, and only under fork.)"""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    under = re.search(r"^Caught under:\s*(.+)$", doc, re.M)
    if not under:
        return ALL_START_METHODS
    methods = tuple(m.strip() for m in under.group(1).split(","))
    unknown = set(methods) - set(ALL_START_METHODS)
    if unknown:
        raise ValueError(f"{path.name}: 'Caught under' names unknown start methods {sorted(unknown)}")
    return methods


SYSTEMS = ("linux", "macos", "windows")


def mutant_systems(path: Path) -> tuple[tuple[str, ...], str | None]:
    """(the systems where a mutant can be caught, why not elsewhere): its docstring's
    'Caught on: linux, macos (why not on Windows: one short reason)' line, or every
    system and None where it has no such line. (Some mistakes show only through a facility a system lacks, with
    no other way to see them there: the self-test does not expect them caught there.)"""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    on = re.search(r"^Caught on:\s*([^(]*?)\s*(?:\((.*)\))?\s*$", doc, re.M)
    if not on:
        if re.search(r"^Caught on:", doc, re.M):
            raise ValueError(f"{path.name}: 'Caught on' should read 'Caught on: linux, macos (reason)'")
        return SYSTEMS, None
    systems = tuple(s.strip() for s in on.group(1).split(",") if s.strip())
    unknown = set(systems) - set(SYSTEMS)
    if not systems:
        raise ValueError(f"{path.name}: 'Caught on' names no system: where is it caught?")
    if unknown:
        raise ValueError(f"{path.name}: 'Caught on' names unknown systems {sorted(unknown)} (known: {', '.join(SYSTEMS)})")
    return systems, (on.group(2) or "").strip()  # "" when the line gives no reason


def load_reference(exercise_id: str, namespace: dict) -> None:
    """Run an exercise's reference solution inside `namespace`: a mutant's or broken
    module's globals(), so that it only restates the part it gets wrong.

    The code runs in the caller's own module, so its classes and functions belong to that
    module and pickle by its name, as multiprocessing needs.
    """
    exercise = next(e for e in manifest.exercises() if e.id == exercise_id)
    exec(compile(exercise.solution.read_text(encoding="utf-8"), str(exercise.solution), "exec"), namespace)
