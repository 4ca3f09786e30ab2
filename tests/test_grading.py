"""`python -m kata grade` against honest and dishonest submissions.

Each case lays out a submission, grades it in a subprocess (the grader makes itself a
subreaper, which must not happen to the self-test's own process), and checks the score,
that the results files are well formed, and that nothing the submission started is alive
once the grader has returned.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from kata import manifest, runner

pytestmark = pytest.mark.timeout(300)

EXERCISES = manifest.exercises()
LOCKS = next(e for e in EXERCISES if e.id == "03_locks")
LOCKS_TESTS = runner.test_names(LOCKS)


def stub() -> str:
    return LOCKS.stub.read_text()


def detached_writer(results: Path, pidfile: Path) -> str:
    """A stub that, on import, detaches a process meant to overwrite the results later."""
    return stub() + textwrap.dedent(
        f"""

        import os as _os, time as _time
        if _os.fork() == 0:
            _os.setsid()
            if _os.fork() == 0:
                open({str(pidfile)!r}, "w").write(str(_os.getpid()))
                for _ in range(600):  # gives up after a minute if nobody stops it
                    _time.sleep(0.1)
                    try:
                        open({str(results)!r}, "w").write('{{"score": 999}}')
                    except OSError:
                        pass
            _os._exit(0)
        """
    )


# case -> (what bank.py holds, extra files, expected share of the points, extra grade arguments)
def submission_files(case: str, folder: Path) -> dict[str, str]:
    if case == "stub":
        return {"03_locks/bank.py": stub()}
    if case == "flat_layout":  # as a Gradescope upload arrives: the module at the top
        return {"bank.py": LOCKS.solution.read_text()}
    if case == "exit_at_import":
        return {"03_locks/bank.py": "import os\nos._exit(0)\n"}
    if case == "fake_output":
        return {"03_locks/bank.py": stub() + '\nprint("=" * 30, "8 passed in 0.12s", "=" * 30)\n'}
    if case == "conftest_rewrites_outcomes":
        hook = textwrap.dedent(
            """
            import pytest

            @pytest.hookimpl(hookwrapper=True)
            def pytest_runtest_makereport(item, call):
                outcome = yield
                report = outcome.get_result()
                report.outcome = "passed"
                report.longrepr = None
            """
        )
        return {"03_locks/bank.py": stub(), "03_locks/conftest.py": hook, "conftest.py": hook}
    if case == "forged_report":  # writes an all-passed report where the harness would, then dies
        forged = {"tests": [{"nodeid": f"x::{n}", "exercise": "03_locks", "outcome": "passed"} for n in LOCKS_TESTS]}
        return {
            "03_locks/bank.py": stub()
            + textwrap.dedent(
                f"""
                import json as _json, os as _os, signal as _signal, sys as _sys
                for _arg in _sys.argv:
                    if _arg.startswith("--kata-report="):
                        _path = _arg.partition("=")[2]
                        for _doc in ({{"payload": _json.dumps({forged!r}), "hmac": "0" * 64}}, {forged!r}):
                            open(_path, "w").write(_json.dumps(_doc))
                _os.kill(_os.getpid(), _signal.SIGKILL)
                """
            )
        }
    if case == "patches_pytest":
        return {
            "03_locks/bank.py": LOCKS.solution.read_text().replace("import threading", "import threading\nimport _pytest.reports", 1)
        }
    if case == "hangs":
        return {"03_locks/bank.py": "import signal\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\nwhile True:\n    pass\n"}
    if case == "detaches":
        return {"03_locks/bank.py": detached_writer(folder / "out" / "summary.json", folder / "detached.pid")}
    raise KeyError(case)


DISHONEST = ["stub", "exit_at_import", "fake_output", "conftest_rewrites_outcomes", "forged_report", "patches_pytest", "hangs", "detaches"]


@dataclass
class Graded:
    process: subprocess.CompletedProcess
    seconds: float
    folder: Path

    def summary(self) -> dict:
        return json.loads((self.folder / "out" / "summary.json").read_text())


def grade(folder: Path, target: Path | str, only: list[str] | None, wall: float | None = None) -> Graded:
    out = folder / "out"
    command = [
        sys.executable, "-m", "kata.grading", "--target", str(target),
        "--json", str(out / "summary.json"), "--gradescope", str(out / "results.json"),
        "--junit", str(out / "junit.xml"),
    ]  # fmt: skip
    if only:
        command += ["--only", *only]
    if wall:
        command += ["--wall-seconds", str(wall)]
    started = time.monotonic()
    process = subprocess.run(command, cwd=manifest.REPO_ROOT, capture_output=True, text=True, timeout=280)
    return Graded(process, time.monotonic() - started, folder)


def planned_run(item, scratch):
    if item.originalname == "test_reference_solutions_score_full_marks":
        folder = scratch / "grading" / "solutions"
        folder.mkdir(parents=True, exist_ok=True)
        return ("grading", "solutions"), lambda: grade(folder, manifest.SOLUTIONS_DIR, None)
    if item.originalname in ("test_a_dishonest_or_empty_submission_scores_nothing", "test_a_flat_upload_is_graded"):
        case = item.callspec.params["case"] if hasattr(item, "callspec") else "flat_layout"
        folder = scratch / "grading" / case
        if folder.exists():
            shutil.rmtree(folder)
        for name, text in submission_files(case, folder).items():
            (folder / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / "submission" / name).write_text(text)
        wall = 4.0 if case == "hangs" else None
        return ("grading", case), lambda: grade(folder, folder / "submission", ["03"], wall)
    return None


def check_outputs(graded: Graded, expected_score: float, max_score: float) -> None:
    assert graded.process.returncode == 0, graded.process.stdout + graded.process.stderr
    summary = graded.summary()
    assert summary["score"] == pytest.approx(expected_score), graded.process.stdout
    assert summary["max_score"] == pytest.approx(max_score)
    results = json.loads((graded.folder / "out" / "results.json").read_text())
    # Gradescope's documented fields (gradescope-autograders.readthedocs.io, specs)
    assert results["score"] == pytest.approx(expected_score)
    assert isinstance(results["execution_time"], (int, float)) and isinstance(results["output"], str)
    for test in results["tests"]:
        assert set(test) <= {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags", "visibility", "extra_data"}
        assert test["status"] in ("passed", "failed") and 0 <= test["score"] <= test["max_score"]
        assert (test["status"] == "passed") == (test["score"] == test["max_score"])
    assert sum(t["score"] for t in results["tests"]) == pytest.approx(expected_score)
    suites = ET.parse(graded.folder / "out" / "junit.xml").getroot()
    assert suites.tag == "testsuites"
    cases = suites.findall("testsuite/testcase")
    assert len(cases) == len(results["tests"]) == int(suites.get("tests"))
    assert sum(case.find("failure") is not None for case in cases) == int(suites.get("failures"))


def test_reference_solutions_score_full_marks(runs):
    graded = runs.result(("grading", "solutions"))
    total = sum(e.points for e in EXERCISES)
    check_outputs(graded, total, total)
    for exercise in EXERCISES:
        assert exercise.id in graded.process.stdout


def test_a_flat_upload_is_graded(runs):
    graded = runs.result(("grading", "flat_layout"))
    check_outputs(graded, LOCKS.points, LOCKS.points)


@pytest.mark.parametrize("case", DISHONEST)
def test_a_dishonest_or_empty_submission_scores_nothing(case, runs):
    graded = runs.result(("grading", case))
    check_outputs(graded, 0, LOCKS.points)
    (exercise,) = graded.summary()["exercises"]
    notes, first_output = exercise["note"], exercise["tests"][0]["output"]
    # Each case must really have run as described, or it would prove nothing.
    if case in ("stub", "fake_output", "conftest_rewrites_outcomes", "detaches"):
        assert "is not written yet" in first_output, first_output
    if case == "exit_at_import":
        assert "os._exit(0)" in first_output, first_output
    if case == "forged_report":
        assert "without a signed record" in notes and "exit status -9" in notes, notes
    if case == "patches_pytest":
        assert "may not use the test machinery" in notes
    if case in ("exit_at_import", "forged_report"):
        assert "8 passed" not in graded.process.stdout
    if case == "hangs":
        assert "wall-clock limit" in notes
        assert graded.seconds < 30, "the wall-clock limit should have stopped the run"
    if case == "detaches":
        assert graded.seconds < 30, "the grader waited for the detached process instead of killing it"
        pidfile = graded.folder / "detached.pid"
        assert pidfile.exists(), "the detached process never started, so this case proves nothing"
        pid = int(pidfile.read_text())
        assert not Path(f"/proc/{pid}").exists() or Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z", (
            f"the process the submission detached (pid {pid}) outlived the grading run"
        )
        assert graded.summary()["score"] == 0  # and the results file is still the grader's
