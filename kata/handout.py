"""What a teacher hands out: the student copy, and the autograders that grade it.

`python -m kata handout DEST`: this repository without what would give answers away
(solutions/, the self-test with its mutants and alternatives, benchmarks/ that run the
solutions, CI), with a README written for students, `pytest` pointed at the exercises,
and a GitHub Classroom workflow. It is made a git repository with one commit, so that it
can be pushed as a template and `python -m kata reset` can restore a stub from it.

`python -m kata gradescope-bundle DEST`: a Gradescope autograder: the student copy with
setup.sh and run_autograder at its top, and the zip of it to upload.
"""

from __future__ import annotations

import argparse
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

from kata import manifest

# What a student copy holds, relative to the repository root.
HANDOUT_PARTS = ("conftest.py", "pyproject.toml", "setup.cfg", ".gitignore", "LICENSE", "kata")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "*.egg-info", ".kata")
STEP_TIMEOUT_MINUTES = 5  # a step's limit; the grader's own wall-clock limit comes first


def changed_stubs() -> list[str]:
    """Exercise modules that differ from the last commit: someone's work, not a stub.

    A teacher who worked the katas in this checkout would otherwise hand out answers.
    """
    if not shutil.which("git") or not (manifest.REPO_ROOT / ".git").exists():
        return []
    paths = [str(e.stub.relative_to(manifest.REPO_ROOT)) for e in manifest.exercises()]
    changed = subprocess.run(
        ["git", "diff", "--name-only", "HEAD", "--", *paths],
        cwd=manifest.REPO_ROOT, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    return changed


def copy_parts(dest: Path) -> None:
    root = manifest.REPO_ROOT
    for part in HANDOUT_PARTS:
        source = root / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=IGNORED)
        elif source.exists():
            shutil.copy2(source, dest / part)
    # The exercises the manifest lists, and nothing else that lies in the folder.
    (dest / "exercises").mkdir()
    shutil.copy2(manifest.MANIFEST_PATH, dest / "exercises" / manifest.MANIFEST_PATH.name)
    for exercise in manifest.exercises():
        shutil.copytree(exercise.folder, dest / "exercises" / exercise.id, ignore=IGNORED)
    # A student's `pytest` runs their exercises (setup.cfg's testpaths); the self-test is not in their copy.
    config = dest / "setup.cfg"
    config.write_text(re.sub(r"(?m)^# The repository's self-test .*\n", "", config.read_text(encoding="utf-8")), encoding="utf-8")


def student_readme() -> str:
    rows = "\n".join(f"| {e.id} | {e.title} |" for e in manifest.exercises())
    first = manifest.exercises()[0]
    return f"""# Concurrency kata

Learn Python concurrency by making red tests green: threads, locks, events, semaphores,
processes, queues, pipes, pools, shared memory, `select`, greenlets, the GIL and asyncio.
Each exercise is a short lesson (its README), a module whose functions you write, and
tests whose failures tell you what went wrong and why.

Needs CPython 3.11 or newer, on Linux (macOS and Windows are not tested yet).

## Start

```sh
python -m pip install -e .          # installs pytest, pytest-timeout, greenlet and psutil
python -m kata next                 # the first exercise not done yet, and its tasks
pytest exercises/{first.id}        # work a kata: red until you solve it
```

Read `exercises/NN_name/README.md`, edit the module it names, and run its tests again
until they are green. Stuck? `python -m kata hint NN` shows one more hint each time.

| command | what it does |
|---|---|
| `python -m kata list` | every exercise and how far you are with it |
| `python -m kata next` | the first exercise not done, with its tasks |
| `python -m kata hint NN` | the next hint for exercise NN (`--all`: all of them) |
| `python -m kata watch` | reruns the current exercise whenever you save it |
| `python -m kata reset NN` | puts the empty exercise back (your file is kept as a backup) |
| `python -m kata verify` | runs every exercise; exit status 0 when all pass |
| `pytest` | the tests of every exercise |

## Exercises, in order

| id | title |
|---|---|
{rows}

## How your work is graded

With these same tests, run against your modules only (any other file you change is not
used). Every test that passes earns its share of the exercise's points. A test that
hangs, a program that exits early, or a process left running scores nothing for the
tests it stopped.
"""


def classroom_workflow() -> str:
    """A GitHub Classroom workflow: one grading step per exercise, and the reporter.

    Each step runs the kata's own grader, which hands the reporter every test's score
    (--classroom), so Classroom adds up the same points as `python -m kata grade` and
    Gradescope: each passing test earns its share of its exercise's points.
    """
    steps, runners, env = [], [], []
    for e in manifest.exercises():
        step_id = "ex-" + e.id.replace("_", "-")
        runners.append(step_id)
        env.append(f'          {step_id.upper()}_RESULTS: "${{{{steps.{step_id}.outputs.result}}}}"')
        steps.append(
            f"      - name: {e.id}\n"
            f"        id: {step_id}\n"
            f"        timeout-minutes: {STEP_TIMEOUT_MINUTES}\n"
            f'        run: python -m kata grade --target . --only {e.id} --classroom "$GITHUB_OUTPUT"'
        )
    return (
        """# GitHub Classroom autograding, written by `python -m kata handout`.
# Each exercise is one step; each of its passing tests earns its share of its points.
name: Autograding Tests
on:
  - push
  - repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - name: Checkout code
        uses: actions/checkout@v4
      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install the kata
        run: python -m pip install -e .
"""
        + "\n".join(steps)
        + """
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
"""
        + "\n".join(env)
        + f"""
        with:
          runners: {",".join(runners)}
"""
    )


def write_handout(dest: Path, *, git: bool = True) -> Path:
    dest = dest.expanduser().resolve()
    if dest.exists() and any(dest.iterdir()):
        raise SystemExit(f"kata handout: {dest} exists and is not empty; choose a new folder")
    changed = changed_stubs()
    if changed:
        raise SystemExit(
            "kata handout: these exercise modules differ from the last commit, so they may "
            f"hold answers: {', '.join(changed)}. Restore them (python -m kata reset NN) or "
            "commit them if the change is meant for students."
        )
    dest.mkdir(parents=True, exist_ok=True)
    copy_parts(dest)
    (dest / "README.md").write_text(student_readme(), encoding="utf-8")
    workflow = dest / ".github" / "workflows" / "classroom.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(classroom_workflow(), encoding="utf-8")
    if git and shutil.which("git"):
        identity = ["-c", "user.name=kata handout", "-c", "user.email=kata@localhost"]
        for command in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-q", "-m", "Concurrency kata: the student copy"]):
            subprocess.run(["git", *command], cwd=dest, check=True, capture_output=True)
    return dest


# Gradescope unpacks autograder.zip into /autograder/source and runs setup.sh there, once,
# as root, to build the image; for each submission it copies run_autograder to
# /autograder/run_autograder and runs it, with the student's files in
# /autograder/submission, and reads /autograder/results/results.json. AUTOGRADER_ROOT
# (default /autograder) only lets the self-test lay that tree out somewhere else, and
# AUTOGRADER_PYTHON (default python3) use the interpreter it runs on.
SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, in /autograder/source, when it builds the image.
# Choose a base image with Python 3.11 or newer (Ubuntu 24.04 has 3.12).
set -euo pipefail
root=${AUTOGRADER_ROOT:-/autograder}
python=${AUTOGRADER_PYTHON:-python3}
cd "$(dirname "$0")"
"$python" -c 'import sys; assert sys.version_info >= (3, 11), "the kata needs Python 3.11 or newer: choose a newer base image"'
if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
    apt-get update
    apt-get install -y python3-venv
fi
"$python" -m venv "$root/venv"
"$root/venv/bin/python" -m pip install --quiet -e "$root/source"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for each submission, as /autograder/run_autograder. The student's
# files are in /autograder/submission (as exercises/NN_name/<module>.py, NN_name/<module>.py
# or <module>.py); the results go to /autograder/results/results.json. The tests are this
# bundle's own, in /autograder/source.
set -uo pipefail
root=${AUTOGRADER_ROOT:-/autograder}
mkdir -p "$root/results"
cd "$root/source"
exec "$root/venv/bin/python" -m kata grade --target "$root/submission" --gradescope "$root/results/results.json"
"""


def write_gradescope_bundle(dest: Path) -> Path:
    """DEST/source (what the zip holds: the student copy with setup.sh and run_autograder
    at its top) and DEST/autograder.zip, to upload."""
    dest = dest.expanduser().resolve()
    if dest.exists() and any(dest.iterdir()):
        raise SystemExit(f"kata gradescope-bundle: {dest} exists and is not empty; choose a new folder")
    dest.mkdir(parents=True, exist_ok=True)
    source = write_handout(dest / "source", git=False)
    for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
        (source / name).write_text(text, encoding="utf-8")
        (source / name).chmod((source / name).stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    # Gradescope unpacks the zip into /autograder/source: the project goes at its top.
    with zipfile.ZipFile(dest / "autograder.zip", "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo.from_file(path, path.relative_to(source).as_posix())
                info.compress_type = zipfile.ZIP_DEFLATED
                bundle.writestr(info, path.read_bytes())
    return dest


def main_handout(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kata handout", description="Write the student copy of the kata to DEST.")
    parser.add_argument("dest", type=Path)
    parser.add_argument("--no-git", action="store_true", help="do not make DEST a git repository")
    args = parser.parse_args(argv)
    dest = write_handout(args.dest, git=not args.no_git)
    print(f"Wrote the student copy to {dest}: no solutions, no mutants; `python -m pip install -e .` and `pytest exercises/...` work in it.")
    return 0


def main_gradescope_bundle(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kata gradescope-bundle", description="Write a Gradescope autograder to DEST.")
    parser.add_argument("dest", type=Path)
    args = parser.parse_args(argv)
    dest = write_gradescope_bundle(args.dest)
    print(f"Wrote the Gradescope autograder to {dest}; upload {dest / 'autograder.zip'} (base image: Ubuntu 24.04 or any with Python 3.11+).")
    return 0


if __name__ == "__main__":
    sys.exit(main_handout())
