"""The harness against code that attacks the test run itself.

Each case runs the 03_locks tests against a deliberately broken bank.py from
tests/broken/ and checks the run ends in bounded time, fails with status 1, passes no
test, says what went wrong, and leaves no process behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kata import guard, manifest, runner

# These tests wait on whole pytest runs in subprocesses, each bounded by its own wall limit.
pytestmark = pytest.mark.timeout(200)

BROKEN = Path(__file__).parent / "broken"
LOCKS = next(e for e in manifest.exercises() if e.id == "03_locks")
MARKER = "kata-harness-test-leaked-child"

# case -> (phrase the output must contain, the most seconds the run may take)
CASES = {
    "deadlock": ("did not finish within", 45),
    "loop_at_import": ("did not finish within the test's time limit", 15),
    "loop_in_call": ("did not finish within 2 s", 45),
    "swallows_everything": ("Timeout", 30),
    "stuck_thread": ("waits-for-ever", 20),
    "leaked_process": ("killed", 20),
    "leaked_pool": ("never shut down", 20),
    "leaked_socket": ("never closed (closed now)", 20),
    "exit_at_import": ("os._exit(0)", 15),
    "sys_exit_at_import": ("SystemExit(0)", 15),
    "exit_in_call": ("os._exit(0)", 15),
    "sys_exit_in_call": ("SystemExit(0)", 15),
    "no_op": ("it returns the new balance", 15),
    "raises_in_del": ("errors while objects were cleaned up", 15),
}


def processes_with(marker: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            pass
    return found


def planned_run(item, scratch):
    """The pytest run a test of this module needs (see conftest.py), started ahead."""
    if item.originalname == "test_harmless_oddity_passes":
        case = item.callspec.params["case"]
        target = runner.stage(LOCKS, BROKEN / f"{case}.py", scratch / "broken" / case)
        return ("broken", case), lambda: runner.run_exercise(LOCKS, target, wall_seconds=60)
    if item.originalname != "test_broken_implementation_fails_in_bounded_time":
        return None
    case = item.callspec.params["case"]
    target = runner.stage(LOCKS, BROKEN / f"{case}.py", scratch / "broken" / case)
    # A 2 s limit per test keeps the endless-loop cases short; the design's default is 10 s.
    return ("broken", case), lambda: runner.run_exercise(
        LOCKS, target, extra_args=("-o", "timeout=2"), wall_seconds=CASES[case][1] + 30
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_implementation_fails_in_bounded_time(case, runs):
    phrase, bound = CASES[case]
    run = runs.result(("broken", case))
    assert run.returncode is not None, f"the run hung and was killed after {run.seconds:.0f} s"
    assert run.returncode == 1, f"exit status {run.returncode}, expected 1:\n{run.output[-4000:]}"
    assert not run.passed(), f"tests passed against {case}: {sorted(run.passed())}"
    assert phrase in run.output, f"the output should say {phrase!r}:\n{run.output[-4000:]}"
    assert run.seconds < bound, f"took {run.seconds:.1f} s, more than {bound} s"
    if case == "leaked_process" and Path("/proc").is_dir():
        deadline = time.monotonic() + 5
        while processes_with(MARKER) and time.monotonic() < deadline:
            time.sleep(0.05)  # a killed process may take a moment to be reaped
        left = processes_with(MARKER)
        guard.kill(set(left))
        assert not left, f"{case} left processes running: {left}"


# Right answers that do something odd the harness must take in its stride:
# case -> (what the harness must not be held up or tripped by, the most seconds the run may take)
HARMLESS = {
    "unread_queue": ("the end of the run waited on a Queue", 20),
    "profiler_makes_dummy_threads": ("the leak check tripped over a _DummyThread", 20),
}


@pytest.mark.parametrize("case", sorted(HARMLESS))
def test_harmless_oddity_passes(case, runs):
    what, bound = HARMLESS[case]
    run = runs.result(("broken", case))
    assert run.returncode == 0, f"{what}? exit status {run.returncode} after {run.seconds:.0f} s:\n{run.output[-4000:]}"
    assert run.passed() == set(runner.test_names(LOCKS)), run.output[-4000:]
    assert run.seconds < bound, f"took {run.seconds:.1f} s: {what}"


# where the breakpoint is -> how long the learner stays at the prompt: past the 2 s limit
# of the test and of run_together/finishes_within, and, in the test's own thread, past
# the watchdog (2 s + 10 s) too.
DEBUGGER_PAUSES = {"main": 13, "thread": 4}


@pytest.mark.parametrize("where", sorted(DEBUGGER_PAUSES))
def test_no_time_limit_fires_while_a_learner_is_in_the_debugger(where, tmp_path):
    pause = DEBUGGER_PAUSES[where]
    target = runner.stage(LOCKS, BROKEN / "debugger_at_a_prompt.py", tmp_path)
    typed = f"!import time; time.sleep({pause})\nc\n"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", str(LOCKS.folder), f"--kata-target={target}", "-q",
         "-p", "no:cacheprovider", "-o", "timeout=2"],
        input=typed, capture_output=True, text=True, timeout=120, cwd=manifest.REPO_ROOT,
        env={**os.environ, "KATA_BREAK_IN": where},
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert "(Pdb)" in output, f"the breakpoint was never reached, so this proves nothing:\n{output[-3000:]}"
    assert run.returncode == 0, f"a time limit fired while the learner was at the prompt:\n{output[-3000:]}"
    assert "did not finish" not in output and "Timeout" not in output, output[-3000:]


def test_a_bare_pytest_collects_the_exercises_not_the_self_test():
    """The learner's command (and an IDE's test panel) is a bare `pytest` at the root."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        capture_output=True, text=True, timeout=120, cwd=manifest.REPO_ROOT,
    )  # fmt: skip
    collected = [line for line in run.stdout.splitlines() if "::" in line]
    assert collected and all(line.startswith("exercises/") for line in collected), run.stdout[-3000:]
    expected = sum(len(runner.test_names(e)) for e in manifest.exercises())
    assert len(collected) == expected, f"collected {len(collected)} tests, the exercises have {expected}"
