"""`python -m kata handout` and `python -m kata gradescope-bundle`: what a teacher hands out."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kata import manifest

pytestmark = pytest.mark.timeout(240)

EXERCISES = manifest.exercises()
LOCKS = next(e for e in EXERCISES if e.id == "03_locks")


def kata(*args: str, cwd: Path = manifest.REPO_ROOT, env: dict | None = None, timeout: float = 200) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kata", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


@pytest.fixture(scope="module")
def handout(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("handout") / "kata"
    done = kata("handout", str(dest))
    assert done.returncode == 0, done.stdout + done.stderr
    return dest


def test_the_handout_gives_no_answers_away(handout):
    for absent in ("solutions", "tests", "benchmarks", ".ci"):
        assert not (handout / absent).exists(), f"{absent}/ must not be in the student copy"
    assert sorted(p.name for p in (handout / "exercises").iterdir() if p.is_dir()) == sorted(e.id for e in EXERCISES)
    for exercise in EXERCISES:
        copied = handout / "exercises" / exercise.id / exercise.stub.name
        assert copied.read_text() == exercise.stub.read_text(), f"{copied} should be the stub"
    readme = (handout / "README.md").read_text()
    assert "python -m kata next" in readme and "self-test" not in readme and "mutant" not in readme
    assert "testpaths = exercises" in (handout / "setup.cfg").read_text()
    log = subprocess.run(["git", "log", "--oneline"], cwd=handout, capture_output=True, text=True)
    assert log.returncode == 0 and len(log.stdout.splitlines()) == 1, "the handout is a git repository with one commit"


def test_the_handout_runs_as_is(handout):
    # PYTHONPATH puts the handout's own harness first, as its `pip install -e .` would.
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "exercises/03_locks", "-p", "no:cacheprovider"],
        cwd=handout, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(handout)},
    )  # fmt: skip
    assert run.returncode == 1, run.stdout[-3000:]
    assert "8 failed" in run.stdout and "TODO: Account.__init__()" in run.stdout
    assert str(manifest.REPO_ROOT) not in run.stdout, "the handout must test its own files, not this repository's"


def test_the_classroom_workflow_has_a_step_per_exercise(handout):
    workflow = (handout / ".github" / "workflows" / "classroom.yml").read_text()
    ids = re.findall(r"^        id: (\S+)$", workflow, re.M)
    assert ids == ["ex-" + e.id.replace("_", "-") for e in EXERCISES]
    assert workflow.count("uses: classroom-resources/autograding-command-grader@v1") == len(EXERCISES)
    (runners,) = re.findall(r"^          runners: (\S+)$", workflow, re.M)
    assert runners.split(",") == ids
    for step_id, exercise in zip(ids, EXERCISES):
        assert f'{step_id.upper()}_RESULTS: "${{{{steps.{step_id}.outputs.result}}}}"' in workflow
        assert f"--only {exercise.id} --require-all" in workflow
    assert "\t" not in workflow


def test_require_all_exit_status_follows_the_score(tmp_path):
    full = kata("grade", "--target", "solutions", "--only", "03", "--require-all")
    assert full.returncode == 0, full.stdout + full.stderr
    stub = kata("grade", "--target", "exercises", "--only", "03", "--require-all")
    assert stub.returncode == 1, stub.stdout + stub.stderr


def test_the_gradescope_bundle_grades_a_submission(tmp_path):
    bundle = tmp_path / "bundle"
    done = kata("gradescope-bundle", str(bundle))
    assert done.returncode == 0, done.stdout + done.stderr
    for script in ("setup.sh", "run_autograder"):
        path = bundle / script
        assert path.stat().st_mode & stat.S_IXUSR, f"{script} must be executable"
        assert subprocess.run(["bash", "-n", str(path)]).returncode == 0, f"{script} is not valid bash"
    with zipfile.ZipFile(bundle / "autograder.zip") as archive:
        names = set(archive.namelist())
    assert {"setup.sh", "run_autograder", "source/kata/grading.py", "source/exercises/03_locks/test_bank.py"} <= names
    assert not any(n.startswith("source/solutions") for n in names)

    # Gradescope's layout, in a temporary root: the bundle as source/, one module submitted.
    root = tmp_path / "autograder"
    shutil.copytree(bundle / "source", root / "source")
    (root / "submission").mkdir(parents=True)
    shutil.copy(LOCKS.solution, root / "submission" / LOCKS.stub.name)
    run = subprocess.run(
        ["bash", str(bundle / "run_autograder")], capture_output=True, text=True, timeout=200,
        env={**os.environ, "AUTOGRADER_ROOT": str(root), "KATA_PYTHON": sys.executable},
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == pytest.approx(LOCKS.points), run.stdout
    locks_tests = [t for t in results["tests"] if t["name"].startswith("03_locks")]
    assert locks_tests and all(t["status"] == "passed" for t in locks_tests)
