"""`python -m kata handout` and `python -m kata gradescope-bundle`: what a teacher hands out."""

from __future__ import annotations

import base64
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from kata import manifest, runner

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
    shown = run.stdout.replace(str(handout), "<handout>")  # the repository's path may be part of the handout's
    assert str(manifest.REPO_ROOT) not in shown, "the handout must test its own files, not this repository's"


def test_the_classroom_workflow_has_a_step_per_exercise(handout):
    workflow = (handout / ".github" / "workflows" / "classroom.yml").read_text()
    ids = re.findall(r"^        id: (\S+)$", workflow, re.M)
    assert ids == ["ex-" + e.id.replace("_", "-") for e in EXERCISES]
    (runners,) = re.findall(r"^          runners: (\S+)$", workflow, re.M)
    assert runners.split(",") == ids
    for step_id, exercise in zip(ids, EXERCISES):
        assert f'{step_id.upper()}_RESULTS: "${{{{steps.{step_id}.outputs.result}}}}"' in workflow
        assert f'--only {exercise.id} --classroom "$GITHUB_OUTPUT"' in workflow
    assert "\t" not in workflow


def test_every_grader_gives_the_same_work_the_same_score(handout, tmp_path):
    """kata grade, Gradescope's results.json, JUnit and GitHub Classroom's reporter all
    count the same rule: each passing test earns its share of its exercise's points."""
    work = tmp_path / "student"
    shutil.copytree(handout, work, ignore=shutil.ignore_patterns(".git"))
    # 03 half done (deposit_all still to write), 04 done, 05 not started.
    partial = LOCKS.solution.read_text() + "\n\ndef _todo(self, amounts):\n    raise NotImplementedError\n\n\nAccount.deposit_all = _todo\n"
    (work / "exercises" / LOCKS.id / LOCKS.stub.name).write_text(partial)
    events = next(e for e in EXERCISES if e.id == "04_events")
    shutil.copy(events.solution, work / "exercises" / events.id / events.stub.name)
    chosen = [LOCKS.id, events.id, "05_semaphores"]
    env = {"PYTHONPATH": str(work)}

    out = tmp_path / "out"
    graded = kata("grade", "--target", ".", "--only", *chosen, "--gradescope", str(out / "gs.json"),
                  "--junit", str(out / "junit.xml"), "--json", str(out / "summary.json"), cwd=work, env=env)  # fmt: skip
    assert graded.returncode == 0, graded.stdout + graded.stderr
    summary = json.loads((out / "summary.json").read_text())
    score = summary["score"]
    locks = next(e for e in summary["exercises"] if e["id"] == LOCKS.id)
    passed = sum(t["status"] == "passed" for t in locks["tests"])
    assert 0 < passed < len(locks["tests"]), "03 should be partly right, or this proves nothing"
    assert score == pytest.approx(events.points + LOCKS.points * passed / len(locks["tests"]))

    assert json.loads((out / "gs.json").read_text())["score"] == pytest.approx(score)
    suites = ET.parse(out / "junit.xml").getroot().findall("testsuite")
    junit = 0.0
    for suite in suites:
        exercise = next(e for e in EXERCISES if e.id == suite.get("name"))
        cases = suite.findall("testcase")
        junit += exercise.points * sum(c.find("failure") is None for c in cases) / len(cases)
        assert all(float(c.get("time")) > 0 for c in cases), "JUnit testcases carry their real times"
        assert all(c.find("failure").get("type") for c in cases if c.find("failure") is not None)
    assert junit == pytest.approx(score)

    # GitHub Classroom: run each chosen exercise's workflow step, then add up as its reporter does.
    workflow = (work / ".github" / "workflows" / "classroom.yml").read_text()
    classroom = 0.0
    for exercise_id in chosen:
        (command,) = re.findall(rf"^        run: python (-m kata grade .*--only {exercise_id} .*)$", workflow, re.M)
        output = tmp_path / f"github-output-{exercise_id}"
        args = shlex.split(command.replace('"$GITHUB_OUTPUT"', shlex.quote(str(output))))
        step = subprocess.run([sys.executable, *args], cwd=work, capture_output=True, text=True, timeout=200,
                              env={**os.environ, **env})  # fmt: skip
        assert step.returncode == 0, step.stdout + step.stderr
        (line,) = output.read_text().splitlines()
        name, _, encoded = line.partition("=")
        result = json.loads(base64.b64decode(encoded))
        assert name == "result" and result["max_score"] == next(e.points for e in EXERCISES if e.id == exercise_id)
        classroom += sum(t["score"] for t in result["tests"])
    assert classroom == pytest.approx(score)


def test_require_all_exit_status_follows_the_score(tmp_path):
    full = kata("grade", "--target", "solutions", "--only", "03", "--require-all")
    assert full.returncode == 0, full.stdout + full.stderr
    stub = kata("grade", "--target", "exercises", "--only", "03", "--require-all")
    assert stub.returncode == 1, stub.stdout + stub.stderr


@pytest.fixture(scope="module")
def gradescope(tmp_path_factory) -> Path:
    """An autograder built as Gradescope builds it, in a throwaway root instead of
    /autograder: the zip unpacked into ROOT/source and ROOT/source/setup.sh run there."""
    bundle = tmp_path_factory.mktemp("bundle") / "bundle"
    done = kata("gradescope-bundle", str(bundle))
    assert done.returncode == 0, done.stdout + done.stderr
    root = tmp_path_factory.mktemp("autograder")
    with zipfile.ZipFile(bundle / "autograder.zip") as archive:
        archive.extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):
        path = root / "source" / script
        path.chmod(path.stat().st_mode | stat.S_IXUSR)  # zipfile.extractall drops the mode bits
    setup = subprocess.run(
        ["bash", "setup.sh"], cwd=root / "source", capture_output=True, text=True, timeout=600,
        env={**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable},
    )  # fmt: skip
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    return root


def run_gradescope(root: Path, files: dict[str, Path]) -> dict:
    """Run ROOT/run_autograder on a submission of these files; return results.json."""
    for folder in ("submission", "results"):
        shutil.rmtree(root / folder, ignore_errors=True)
    for relative, source in files.items():
        (root / "submission" / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, root / "submission" / relative)
    run = subprocess.run(
        [str(root / "run_autograder")], capture_output=True, text=True, timeout=900,
        env={**os.environ, "AUTOGRADER_ROOT": str(root)},
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return json.loads((root / "results" / "results.json").read_text())


def test_the_gradescope_zip_holds_the_project_at_its_top(tmp_path, gradescope):
    # setup.sh installs the folder it is unpacked into; it must be a project.
    source = gradescope / "source"
    for part in ("setup.sh", "run_autograder", "setup.cfg", "pyproject.toml", "kata/grading.py", "exercises/03_locks/test_bank.py"):
        assert (source / part).is_file(), f"{part} is not at the top of autograder.zip"
    assert not (source / "solutions").exists() and not (source / "source").exists()
    for script in ("setup.sh", "run_autograder"):
        text = (source / script).read_text()
        assert subprocess.run(["bash", "-n", str(source / script)]).returncode == 0, f"{script} is not valid bash"
        # The root (and interpreter) overrides are the only ways the simulation differs from Gradescope.
        stray = [
            line for line in text.splitlines()
            if "/autograder" in line.replace("${AUTOGRADER_ROOT:-/autograder}", "") and not line.lstrip().startswith("#")
        ]  # fmt: skip
        assert not stray, f"{script} names /autograder other than as AUTOGRADER_ROOT's default: {stray}"
    setup = (source / "setup.sh").read_text()
    assert "apt-get update" in setup and "|| true" not in setup, "a failed install must fail the build"
    assert (gradescope / "venv" / "bin" / "python").exists(), "setup.sh made no virtual environment"


def test_gradescope_scores_a_handout_shaped_submission_full(gradescope):
    """The reference solutions, laid out as the student copy is (a repository upload)."""
    files = {f"exercises/{e.id}/{e.module}.py": e.solution for e in EXERCISES}
    files["README.md"] = manifest.REPO_ROOT / "README.md"
    results = run_gradescope(gradescope, files)
    assert results["score"] == pytest.approx(sum(e.points for e in EXERCISES)), results["output"]
    assert len(results["tests"]) == sum(len(runner.test_names(e)) for e in EXERCISES)
    assert all(t["status"] == "passed" for t in results["tests"]), results["output"]


def test_gradescope_scores_the_stubs_zero(gradescope):
    files = {f"{e.id}/{e.module}.py": e.stub for e in EXERCISES}
    results = run_gradescope(gradescope, files)
    assert results["score"] == 0, results["output"]
    assert all(t["status"] == "failed" and t["score"] == 0 for t in results["tests"])
    assert "is not written yet" in results["tests"][0]["output"]
    assert "kata-grade-" not in json.dumps(results) and "kata-target-" not in json.dumps(results), (
        "messages must name the submission's own files, not the grader's scratch copies"
    )
