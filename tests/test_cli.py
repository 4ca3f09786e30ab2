"""`python -m kata`: list, next, hint, watch, reset and verify (kata/cli/).

Every command runs as the learner would run it, in a subprocess, with KATA_STATE_DIR
pointing at a temporary folder so that the real .kata/ is never touched. Commands that
change a module work on copies (--target DIR); the real exercises/ files are only read.
`watch` is driven in a pseudo-terminal, with every read bounded by a deadline.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from kata import manifest, progress, runner
from kata import cli
from kata.cli import common

EXERCISES = manifest.exercises()
LOCKS = next(e for e in EXERCISES if e.id == "03_locks")
AFTER_LOCKS = EXERCISES[EXERCISES.index(LOCKS) + 1]
LOCKS_TESTS = runner.test_names(LOCKS)
COMMANDS = ("list", "next", "hint", "watch", "reset", "verify")
WALL = 120  # seconds: a bound on every subprocess, far above what any of them needs

# These tests wait on whole pytest runs and CLI processes, each bounded on its own; on a
# loaded 2-core machine a few of them together take longer than the default 10 s.
pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def state_dir(tmp_path, monkeypatch):
    folder = tmp_path / "state"
    monkeypatch.setenv(progress.STATE_DIR_ENV, str(folder))
    return folder


def child_env(state_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KATA_", "PYTEST_"))}
    env[progress.STATE_DIR_ENV] = str(state_dir)
    return env


def kata(state_dir: Path, *args: str, input: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kata", *args],
        cwd=manifest.REPO_ROOT,
        env={**child_env(state_dir), **(env or {})},
        input=input,
        capture_output=True,
        text=True,
        timeout=WALL,
    )


def kata_here(capsys, *args: str) -> tuple[int, str, str]:
    """Run a command in this process (quicker than a subprocess): (status, out, err)."""
    capsys.readouterr()
    try:
        status = cli.main(list(args))
    except SystemExit as exc:  # argparse: --help, or a usage error
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def saved_state(state_dir: Path) -> dict:
    path = state_dir / "state.json"
    return json.loads(path.read_text())["exercises"] if path.exists() else {}


def pretend_results(exercise: manifest.Exercise, passing: int) -> None:
    """Remember a run of `exercise` where its first `passing` tests passed."""
    names = runner.test_names(exercise)
    progress.remember(
        [
            {"nodeid": f"{exercise.folder}::{name}", "exercise": exercise.id,
             "outcome": "passed" if i < passing else "failed", "todo": False}
            for i, name in enumerate(names)
        ]  # fmt: skip
    )


def tree_with(tmp_path: Path, exercise: manifest.Exercise, source: Path) -> Path:
    """A target tree holding a copy of `source` as the exercise's module."""
    return runner.stage(exercise, source, tmp_path / "tree")


# --- help ----------------------------------------------------------------------------------


def test_every_command_has_its_own_help(state_dir, capsys):
    overview = kata(state_dir, "--help")  # once as a learner types it: python -m kata
    assert overview.returncode == 0, overview.stderr
    for command in COMMANDS:
        assert command in overview.stdout
        status, out, _ = kata_here(capsys, command, "--help")
        assert status == 0
        assert out.startswith(f"usage: python -m kata {command}")
    assert kata_here(capsys)[0] == 2  # no command: usage, not a traceback


# --- the remembered results ------------------------------------------------------------------


def test_a_learners_pytest_run_is_remembered_and_no_other_run_is(state_dir):
    def pytest_run(*args):
        return subprocess.run(
            [sys.executable, "-m", "pytest", str(LOCKS.folder), "-q", "-p", "no:cacheprovider", *args],
            cwd=manifest.REPO_ROOT, env=child_env(state_dir), capture_output=True, text=True, timeout=WALL,
        )  # fmt: skip

    pytest_run("--kata-target=solutions")
    pytest_run(f"--kata-report={state_dir.parent / 'report.json'}")
    assert saved_state(state_dir) == {}, "only runs against your own work are remembered"

    pytest_run()  # the learner's own bank.py, whatever state it is in
    remembered = saved_state(state_dir)
    assert set(remembered) == {LOCKS.id}
    assert set(remembered[LOCKS.id]["tests"]) == set(LOCKS_TESTS)
    passed = sum(t["outcome"] == "passed" for t in remembered[LOCKS.id]["tests"].values())
    assert re.search(rf"\b{passed} of {len(LOCKS_TESTS)} passing", remembered[LOCKS.id]["state"])


def test_results_merge_test_by_test(state_dir):
    pretend_results(LOCKS, passing=len(LOCKS_TESTS))
    assert saved_state(state_dir)[LOCKS.id]["state"] == f"done ({len(LOCKS_TESTS)} of {len(LOCKS_TESTS)} passing)"
    # A run of one test (pytest -k) changes that test's outcome and keeps the others'.
    progress.remember([{"nodeid": f"x::{LOCKS_TESTS[0]}", "exercise": LOCKS.id, "outcome": "failed", "todo": False}])
    progress.remember([{"nodeid": "x::test_renamed_long_ago", "exercise": LOCKS.id, "outcome": "failed", "todo": False}])
    remembered = saved_state(state_dir)[LOCKS.id]
    assert remembered["state"] == f"{len(LOCKS_TESTS) - 1} of {len(LOCKS_TESTS)} passing"
    assert "test_renamed_long_ago" not in remembered["tests"]


# --- list --------------------------------------------------------------------------------------


def test_list_shows_every_exercise_in_order_from_the_latest_results(state_dir, capsys):
    pretend_results(LOCKS, passing=2)
    status, out, _ = kata_here(capsys, "list")
    assert status == 0
    rows = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
    assert rows == [e.id for e in EXERCISES]
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    assert f"2 of {len(LOCKS_TESTS)} passing" in lines[LOCKS.id]  # not rerun: what was remembered
    assert common.NEVER_RUN in lines[AFTER_LOCKS.id]
    assert f"0 of {len(EXERCISES)} exercises done" in out


def test_list_refresh_reruns_the_named_exercise(state_dir):
    done = kata(state_dir, "list", "--refresh", "03")
    assert done.returncode == 0, done.stderr
    remembered = saved_state(state_dir)
    assert set(remembered) == {LOCKS.id}, "only 03_locks was rerun"
    assert set(remembered[LOCKS.id]["tests"]) == set(LOCKS_TESTS)
    (row,) = [line for line in done.stdout.splitlines() if line.startswith(f"  {LOCKS.id}")]
    assert remembered[LOCKS.id]["state"] in row


# --- next ----------------------------------------------------------------------------------------


def test_next_is_the_first_exercise_not_done_with_its_tasks(state_dir, capsys):
    for exercise in EXERCISES[: EXERCISES.index(LOCKS)]:
        pretend_results(exercise, passing=len(runner.test_names(exercise)))
    pretend_results(LOCKS, passing=1)
    status, out, _ = kata_here(capsys, "next")
    assert status == 0
    assert out.startswith(f"Next: {LOCKS.id}")
    tasks = common.tasks_section(LOCKS)
    assert tasks and f"{common.TASKS_SECTION} (from" in out and tasks.splitlines()[0] in out
    assert "deposit_all" in out  # the task list itself, not only a pointer to it
    assert f"pytest {Path('exercises', LOCKS.id)}" in out
    assert "python -m kata watch 03" in out


# --- hint ----------------------------------------------------------------------------------------


def test_hint_gives_one_more_each_call_then_says_there_are_no_more(state_dir, capsys):
    count = len(re.findall(r"^## Hint \d+ · ", (LOCKS.folder / "hints.md").read_text(), re.M))
    assert count >= 2
    first = kata(state_dir, "hint", "03")  # once in its own process: the count is kept on disk
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"03_locks, hint 1 of {count} ({common.hints(LOCKS)[0].topic}):")
    for n in range(2, count + 1):
        status, out, _ = kata_here(capsys, "hint", "03" if n % 2 else "03_locks")
        assert status == 0
        assert out.startswith(f"03_locks, hint {n} of {count}")
    status, out, _ = kata_here(capsys, "hint", "03")
    assert "No more hints for 03_locks" in out
    status, out, _ = kata_here(capsys, "hint", "03", "--all")
    assert all(f"hint {n} of {count}" in out for n in range(1, count + 1))
    status, _, err = kata_here(capsys, "hint", "99")
    assert status == 2 and "no exercise called '99'" in err


def test_hints_are_read_in_the_one_format(tmp_path, monkeypatch):
    folder = tmp_path / "03_locks"
    folder.mkdir()
    (folder / "hints.md").write_text(
        "# Hints for 03_locks\n\n## Hint 1 · deposit\nfirst\n\n```python\n# not a heading\n```\n\n"
        "## Hint 2 · deposit\nsecond\n\n### a detail\nof hint 2\n\n## Hint 3 · withdraw\nthird\n"
    )
    monkeypatch.setattr(manifest, "EXERCISES_DIR", tmp_path)
    found = common.hints(LOCKS)
    assert [(h.number, h.topic, h.text) for h in found] == [
        (1, "deposit", "first\n\n```python\n# not a heading\n```"),
        (2, "deposit", "second\n\n### a detail\nof hint 2"),
        (3, "withdraw", "third"),
    ]  # fmt: skip
    assert common.parse_hints((folder / "hints.md").read_text())[2] == []


@pytest.mark.parametrize(
    "text, problem",
    [
        ("# Hints for 03_locks\n\n## Task 1: deposit\n\n### Hint 1\nfirst\n", "is not `## Hint N · topic`"),
        ("# Hints for 03_locks\n\n## Hint 1\nfirst\n", "is not `## Hint N · topic`"),
        ("# Hints for 03_locks\n\n## Hint 1 · a\nx\n\n## Hint 3 · b\ny\n", "numbered [1, 3]"),
        ("# Hints for 03_locks\n\n## Hint 1 · a\n\n## Hint 2 · b\ny\n", "`## Hint 1 · a` is empty"),
        ("## Hint 1 · a\nx\n", "the first line is not the title"),
        ("# Hints for 03 Locks\n\n## Hint 1 · a\nx\n", "expected `# Hints for 03_locks`"),
    ],
    ids=["grouped-under-tasks", "no-topic", "gap", "empty", "no-title", "other-title"],
)
def test_hints_in_another_shape_are_named(text, problem):
    assert any(problem in p for p in common.hints_problems(text, "03_locks"))


README = (
    "# 03 · Locks\n\n## The idea\nShared state.\n\n## What you write\n1. `deposit`.\n\n"
    "## How it works in Python 3\nLocks.\n\n```python\n# try_bank.py, not a heading\n```\n\n"
    "## What changed since Python 2\n`threading`.\n"
)


@pytest.mark.parametrize(
    "text, problem",
    [
        (README + "\n## Measured\n2 cores.\n", None),
        (README.replace("Shared state.", "word " * 300), "words come before `## What you write`"),
        (README + "\n## Your tasks\nmore\n", "expected exactly"),
        (README.replace("## Measured", "") + "\n## Measured\n2 cores.\n\n## Notes\nx\n", "expected exactly"),
        (README.replace("## What changed since Python 2", "## What the source gets wrong"), "expected exactly"),
        (README.replace("# 03 · Locks", "# Locks"), "the title"),
    ],
    ids=["measured-last", "tasks-too-far-down", "extra-section", "measured-not-last", "renamed", "no-number"],
)
def test_readme_shape_problems_are_named(text, problem):
    problems = common.readme_problems(text)
    assert problems == [] if problem is None else any(problem in p for p in problems), problems


def test_the_tasks_are_the_what_you_write_section_outside_code_fences(tmp_path, monkeypatch):
    folder = tmp_path / "03_locks"
    folder.mkdir()
    (folder / "README.md").write_text(
        "# 03 · Locks\n\n## The idea\nShared state.\n\n## What you write\n1. `deposit`.\n\n"
        "```python\n## Your tasks  (a comment, not a heading)\n```\n\n### Run the tests\n`pytest`\n\n"
        "## How it works in Python 3\nLocks.\n\n## What changed since Python 2\n`threading`.\n"
    )
    monkeypatch.setattr(manifest, "EXERCISES_DIR", tmp_path)
    assert common.tasks_section(LOCKS) == (
        "1. `deposit`.\n\n```python\n## Your tasks  (a comment, not a heading)\n```\n\n### Run the tests\n`pytest`"
    )
    assert common.readme_problems((folder / "README.md").read_text()) == []
    (folder / "README.md").write_text((folder / "README.md").read_text().replace("## What you write", "## Your tasks"))
    assert common.tasks_section(LOCKS) == ""  # no guessing at other headings
    assert any("expected exactly" in p for p in common.readme_problems((folder / "README.md").read_text()))


# --- reset ------------------------------------------------------------------------------------------


def committed_stub() -> str:
    shown = subprocess.run(
        ["git", "show", f"HEAD:./exercises/{LOCKS.id}/{LOCKS.module}.py"],
        cwd=manifest.REPO_ROOT, capture_output=True, text=True, timeout=WALL,
    )  # fmt: skip
    if shutil.which("git") is None or shown.returncode != 0:
        pytest.skip("not a git checkout with the 03_locks stub committed")
    return shown.stdout


def test_reset_asks_backs_up_and_restores_the_committed_stub(state_dir, tmp_path):
    stub = committed_stub()
    tree = tree_with(tmp_path, LOCKS, LOCKS.solution)
    mine = tree / LOCKS.id / f"{LOCKS.module}.py"
    mine.write_text(mine.read_text() + "\n# my own work\n")
    work = mine.read_text()

    refused = kata(state_dir, "reset", "03", "--target", str(tree), input="n\n")
    assert refused.returncode == 1 and "Nothing was changed" in refused.stdout
    assert mine.read_text() == work

    done = kata(state_dir, "reset", "03_locks", "--target", str(tree), input="y\n")
    assert done.returncode == 0, done.stderr
    assert mine.read_text() == stub
    (backup,) = (state_dir / "backups").glob(f"{LOCKS.module}-*.py")
    assert backup.read_text() == work
    assert backup.name in done.stdout  # it says where your work went
    assert f"Start it over with: python -m kata verify {LOCKS.id} --target" in done.stdout  # this one, not 01

    again = kata(state_dir, "reset", "03", "--target", str(tree), "--yes")
    assert again.returncode == 0 and "already the original stub" in again.stdout


@pytest.mark.parametrize("command", [("hint", "03", "--all"), ("next",), ("list",)])
def test_a_reader_that_goes_away_ends_the_command_quietly(state_dir, command):
    """`python -m kata hint 03 --all | head -1`: the pipe's reader is gone before the
    command writes; no BrokenPipeError traceback, status 0."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has already gone
    try:
        run = subprocess.run(
            [sys.executable, "-m", "kata", *command], cwd=manifest.REPO_ROOT, env=child_env(state_dir),
            stdin=subprocess.DEVNULL, stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=WALL,
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert "Traceback" not in run.stderr and "BrokenPipeError" not in run.stderr, run.stderr
    assert run.returncode == 0, run.stderr


def test_reset_without_git_fails_clearly_and_changes_nothing(state_dir, tmp_path):
    tree = tree_with(tmp_path, LOCKS, LOCKS.solution)
    mine = tree / LOCKS.id / f"{LOCKS.module}.py"
    before = mine.read_text()
    # GIT_DIR pointing at an empty folder: git sees no repository, as in a bare copy.
    done = kata(state_dir, "reset", "03", "--target", str(tree), "--yes", env={"GIT_DIR": str(tmp_path / "nothing")})
    assert done.returncode == 1
    assert "cannot find the original of 03_locks's stub" in done.stderr
    assert "not a git checkout" in done.stderr
    assert mine.read_text() == before
    assert not (state_dir / "backups").exists()


# --- verify -------------------------------------------------------------------------------------------


def test_verify_passes_on_the_solution_and_fails_on_the_stub(state_dir, tmp_path):
    good = kata(state_dir, "verify", "03", "--target", "solutions")
    assert good.returncode == 0, good.stdout + good.stderr
    assert re.search(rf"{LOCKS.id}\s+done \({len(LOCKS_TESTS)} of {len(LOCKS_TESTS)} passing\)", good.stdout)
    assert "1 of 1 exercises pass" in good.stdout

    stub_tree = tree_with(tmp_path, LOCKS, LOCKS.stub)
    bad = kata(state_dir, "verify", "03_locks", "--target", str(stub_tree))
    assert bad.returncode == 1
    assert re.search(rf"{LOCKS.id}\s+not started \(0 of {len(LOCKS_TESTS)} passing\)", bad.stdout)
    assert saved_state(state_dir) == {}, "runs against other targets are not remembered"


# --- watch, in a pseudo-terminal ----------------------------------------------------------------------


class Terminal:
    """A child process on a pseudo-terminal; every read is bounded by a deadline."""

    def __init__(self, argv: list[str], env: dict[str, str]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # forkpty() with threads: we exec at once
            self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: only exec, nothing that could need a lock
            try:
                # Ctrl-C must reach the watcher even when this self-test was started with
                # SIGINT ignored (a shell's background job), which exec would hand on.
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                os.chdir(manifest.REPO_ROOT)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.output = ""
        self.status: int | None = None
        self.closed = False  # the child closed its side of the terminal

    def _read(self, until: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, until - time.monotonic()))
        if not ready:
            return
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            data = b""
        self.closed = not data
        self.output += data.decode(errors="replace")

    def expect(self, text: str, seconds: float = 60.0, start: int = 0) -> int:
        """Wait until `text` appears after position `start`; return where it ends."""
        deadline = time.monotonic() + seconds
        while text not in self.output[start:]:
            if self.closed or time.monotonic() >= deadline:
                raise AssertionError(f"{text!r} did not appear within {seconds} s; the screen showed:\n{self.output[-3000:]}")
            self._read(deadline)
        return self.output.index(text, start) + len(text)

    def wait(self, seconds: float = 30.0) -> int:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
            if self.closed:  # nothing more to read: wait for the exit itself, briefly
                select.select([], [], [], 0.05)
            else:
                self._read(min(deadline, time.monotonic() + 0.1))  # keep the terminal drained
        raise AssertionError(f"the watcher did not end within {seconds} s:\n{self.output[-3000:]}")

    def close(self) -> None:
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        os.close(self.fd)


def test_watch_reruns_on_a_save_by_rename_and_moves_on_when_green(state_dir, tmp_path):
    tree = tree_with(tmp_path, LOCKS, LOCKS.stub)
    module = tree / LOCKS.id / f"{LOCKS.module}.py"
    argv = [sys.executable, "-m", "kata", "watch", "03", "--target", str(tree), "--interval", "0.05"]
    terminal = Terminal(argv, child_env(state_dir))
    try:
        at = terminal.expect(f"{LOCKS.id}: not started (0 of {len(LOCKS_TESTS)} passing)")
        at = terminal.expect("Watching", start=at)
        # Save as vim does: write a new file, then rename it over the old one.
        fresh = module.with_name(f".{module.name}.swp")
        fresh.write_text(LOCKS.solution.read_text())
        os.replace(fresh, module)
        at = terminal.expect(f"Green! {LOCKS.id} is done.", start=at)
        at = terminal.expect(f"Next: {AFTER_LOCKS.id}", start=at)
        terminal.expect(f"Watching {common.shown(tree / AFTER_LOCKS.id / (AFTER_LOCKS.module + '.py'))}", start=at)
        os.write(terminal.fd, b"\x03")  # Ctrl-C
        assert terminal.wait() == 0, terminal.output[-3000:]
        assert "Stopped watching." in terminal.output
        assert saved_state(state_dir) == {}, "a watched folder other than exercises/ is not remembered"
    finally:
        terminal.close()
