"""`python -m kata.mutation`: a smoke run over 03_locks's reference solution.

The run happens in a copy of the repository, and the command itself writes its mutants
into a scratch copy of its own: the rest of the self-test runs the real solutions at the
same time and must never meet a mutant. Skipped when cosmic-ray is not
installed, unless KATA_REQUIRE_MUTATION is set (CI sets it, and then a missing tool fails).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from kata import manifest

pytestmark = pytest.mark.timeout(600)

LOCKS = manifest.find("03_locks")


def require_the_tool():
    try:
        import cosmic_ray  # noqa: F401
    except ImportError:
        if os.environ.get("KATA_REQUIRE_MUTATION"):
            pytest.fail("KATA_REQUIRE_MUTATION is set but cosmic-ray is not installed: pip install -e '.[mutation]'")
        pytest.skip("cosmic-ray is not installed (pip install -e '.[mutation]')")


def test_a_smoke_run_reports_a_score_and_restores_the_solution(tmp_path):
    require_the_tool()
    root = manifest.REPO_ROOT
    copy = tmp_path / "kata"
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for folder in ("kata", "exercises", f"solutions/{LOCKS.id}"):
        shutil.copytree(root / folder, copy / folder, ignore=skip)
    for name in ("conftest.py", "setup.cfg", "pyproject.toml"):
        shutil.copy2(root / name, copy / name)
    solution = copy / LOCKS.solution.relative_to(root)
    before = solution.read_bytes()

    run = subprocess.run(
        [sys.executable, "-m", "kata.mutation", "locks", "--report-dir", str(tmp_path / "reports")],
        cwd=copy, env={**os.environ, "PYTHONPATH": str(copy)}, capture_output=True, text=True, timeout=540,
    )  # fmt: skip

    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    assert solution.read_bytes() == before, "the mutated solution was not restored"
    assert not list(copy.rglob("*.sqlite")), "cosmic-ray's session was left in the repository"
    score = re.search(r"03_locks: (\d+) mutants, (\d+) killed, (\d+) survived, score [\d.]+%", output)
    assert score, output[-3000:]
    mutants, killed, survived = map(int, score.groups())
    assert mutants > 10 and killed + survived == mutants and killed > survived, output[-3000:]
    assert output.count("\n  survived solutions/03_locks/bank.py:") == survived
    assert (tmp_path / "reports" / "03_locks.txt").read_text() in output
