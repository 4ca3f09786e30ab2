"""The top-level documents: a README for learners whose quick start works on a fresh
machine, and the teacher's and contributor's material in files of their own."""

from __future__ import annotations

import re

from kata import manifest

ROOT = manifest.REPO_ROOT


def quick_start() -> str:
    readme = (ROOT / "README.md").read_text()
    section = re.search(r"^## Quick start\n(.*?)^## ", readme, re.S | re.M)
    assert section, "README.md has no '## Quick start' section"
    return section.group(1)


def test_the_quick_start_makes_a_venv_and_names_both_commands():
    text = quick_start()
    # Debian's and Ubuntu's own Python refuse `pip install` outside a virtual environment.
    commands = re.findall(r"^(\S.*?)\s*(?:#.*)?$", re.search(r"```sh\n(.*?)```", text, re.S).group(1), re.M)
    assert commands[:3] == ["python -m venv .venv", "source .venv/bin/activate", "python -m pip install -e ."], commands
    assert "pytest exercises/03_locks" in commands, "the command that works a kata"
    assert "pytest tests" in commands, "the command that runs the self-test"
    for shell, activation in (("fish", "activate.fish"), ("PowerShell", "Activate.ps1"), ("cmd", "activate.bat")):
        assert shell in text and activation in text, f"how to activate the venv in {shell}"
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pytest\" tests" in ci or "pytest tests" in ci, ".ci/run runs the README's self-test command"


def test_the_readme_is_for_learners_and_points_to_the_rest():
    readme = (ROOT / "README.md").read_text()
    headings = re.findall(r"^## (.+)$", readme, re.M)
    for teachers_or_contributors in ("Dojo", "Grading", "Checking the kata itself", "Repository layout"):
        assert teachers_or_contributors not in headings, f"'{teachers_or_contributors}' belongs in TEACHING.md or CONTRIBUTING.md"
    for name in ("TEACHING.md", "CONTRIBUTING.md"):
        assert (ROOT / name).is_file() and f"]({name})" in readme, f"README.md links {name}"
    teaching = (ROOT / "TEACHING.md").read_text()
    assert "## Dojo" in teaching and "## Grading" in teaching
    # Figures of one morning's runs are a lab notebook: benchmarks/README.md keeps them.
    for document in ("README.md", "TEACHING.md"):
        text = (ROOT / document).read_text()
        assert not re.search(r"\b\d\d:\d\d UTC\b|in the \d\d:\d\d run", text), f"{document} quotes a run by its time"
