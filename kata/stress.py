"""Run an exercise's tests many times in a row, to trust them before committing them.

    python -m kata.stress 04_events --rounds 200                 # the solution: every round green?
    python -m kata.stress 04_events --rounds 20 --mutants        # each mutant: caught in every round?
    python -m kata.stress 04_events --mutants busy_wait --start-method spawn
    python -m kata.stress 04_events --rounds 50 --alternatives   # each correct alternative: always green?

Each run is one pytest process with ``--count N`` (pytest-repeat, the ``dev`` extra), so
the rounds share one interpreter, as a learner's repeated runs would not: that is the
harder case for leaks between tests. A mutant's run runs only the tests its docstring
names, as the self-test's does (--all-tests: the whole file); it counts as caught in a
round only when every one of them failed in that round.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from kata import manifest, platform, runner

ROUND = re.compile(r"^(?P<name>[^\[]+)\[(?:.*-)?(?P<round>\d+)-(?P<rounds>\d+)\]$")


def rounds_run(
    exercise, target, rounds: int, start_method: str | None, tests: list[str] | None = None
) -> tuple[dict, float, str]:
    """{round: {test name: outcome}}, the wall time, and the tail of the output.

    `tests`: only these test functions, not the whole file."""
    with tempfile.TemporaryDirectory(prefix="kata-stress-") as scratch:
        report = Path(scratch) / "report.json"
        selected = [f"{exercise.test_file}::{name}" for name in tests] if tests else [str(exercise.folder)]
        command = [
            sys.executable, "-m", "pytest", *selected, f"--kata-target={target}",
            f"--kata-report={report}", f"--count={rounds}", "-q", "-p", "no:cacheprovider",
        ]  # fmt: skip
        if start_method:
            command.append(f"--start-method={start_method}")
        started = time.monotonic()
        done = subprocess.run(command, cwd=manifest.REPO_ROOT, capture_output=True, text=True)
        seconds = time.monotonic() - started
        by_round: dict[int, dict[str, str]] = defaultdict(dict)
        if report.exists():
            for test in json.loads(report.read_text())["tests"]:
                name = test["nodeid"].rpartition("::")[2]
                match = ROUND.match(name)
                if match:
                    by_round[int(match["round"])][match["name"]] = test["outcome"]
                elif rounds == 1:  # pytest-repeat adds no [n-m] to a single round
                    by_round[1][name] = test["outcome"]
    return by_round, seconds, (done.stdout + done.stderr)[-3000:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exercise")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--start-method", choices=("fork", "forkserver", "spawn"))
    parser.add_argument(
        "--mutants", nargs="*", metavar="NAME",
        help="run the mutants (all, or those named) instead of the solution",
    )  # fmt: skip
    parser.add_argument(
        "--all-tests", action="store_true",
        help="run a mutant against the whole test file, not only the tests its docstring names "
        "(the self-test runs only those, and holds each run to 15 s)",
    )
    parser.add_argument(
        "--alternatives", nargs="*", metavar="NAME",
        help="run the correct alternatives in tests/alternatives/ (all, or those named)",
    )  # fmt: skip
    args = parser.parse_args()
    if importlib.util.find_spec("pytest_repeat") is None:
        parser.error("needs pytest-repeat for --count: python -m pip install -e '.[dev]'")
    exercise = next((e for e in manifest.exercises() if e.id == args.exercise), None)
    if exercise is None:
        parser.error(f"no exercise {args.exercise!r} in the manifest")
    names = runner.test_names(exercise)

    def all_green(label, target) -> bool:
        by_round, seconds, tail = rounds_run(exercise, target, args.rounds, args.start_method)
        green = sum(
            1 for r in range(1, args.rounds + 1)
            if set(by_round.get(r, {})) == set(names)
            and all(o == "passed" for o in by_round[r].values())
        )  # fmt: skip
        print(f"{label}: {green} of {args.rounds} rounds green ({seconds:.1f} s)")
        if green != args.rounds:
            print(tail)
        return green == args.rounds

    if args.alternatives is not None:
        chosen = [a for a in exercise.alternatives if not args.alternatives or a.stem in args.alternatives]
        with tempfile.TemporaryDirectory(prefix="kata-stress-") as scratch:
            results = [
                all_green(f"{exercise.id} alternative {a.stem}", runner.stage(exercise, a, Path(scratch) / a.stem))
                for a in chosen
            ]
        return 0 if all(results) else 1
    if args.mutants is None:
        return 0 if all_green(f"{exercise.id} solution", "solutions") else 1

    chosen = [m for m in exercise.mutants if not args.mutants or m.stem in args.mutants]
    missed = 0
    with tempfile.TemporaryDirectory(prefix="kata-stress-") as scratch:
        method = args.start_method or multiprocessing.get_all_start_methods()[0]
        for mutant in chosen:
            if method not in runner.mutant_start_methods(mutant):
                print(f"{mutant.stem:<40} right under {method} (see its 'Caught under' line): not run")
                continue
            systems, reason = runner.mutant_systems(mutant)
            if platform.SYSTEM not in systems:
                print(f"{mutant.stem:<40} cannot be caught on {platform.SYSTEM} ({reason}): not run")
                continue
            must_fail, _ = runner.mutant_expectations(mutant)
            target = runner.stage(exercise, mutant, Path(scratch) / mutant.stem)
            by_round, seconds, tail = rounds_run(
                exercise, target, args.rounds, args.start_method, tests=None if args.all_tests else must_fail
            )
            caught = sum(
                1 for r in range(1, args.rounds + 1)
                if all(by_round.get(r, {}).get(name) == "failed" for name in must_fail)
            )  # fmt: skip
            missed += caught != args.rounds
            flag = "" if caught == args.rounds else "   <-- MISSED"
            print(f"{mutant.stem:<40} caught {caught:>3} of {args.rounds} ({seconds:.1f} s){flag}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
