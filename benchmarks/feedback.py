"""Feedback latency: how long a learner waits for `pytest exercises/NN_name`.

For each exercise, the wall time of its tests against the reference solution and against
the stub, as a ratio to a one-test trivial pytest run measured in the same session
(ratios hold on a noisy machine; absolute times do not). Flags any ratio over the
target. Run from the repository root:

    python -m benchmarks.feedback [--repeat 7] [--target-ratio 3] [EXERCISE_ID ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kata import manifest


# A learner's Python writes bytecode caches, so from their second run on, nothing is
# compiled again (pytest's rewritten test modules included). A developer's or CI's
# environment may forbid writing them (PYTHONDONTWRITEBYTECODE), which would add every
# compile to every run: the runs here write them, as a learner's do.
LEARNER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=LEARNER_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


TRIVIAL = ("trivial", "")  # the key of the one-test trivial pytest run in measure()'s result


def measure(chosen: list, repeat: int) -> dict[tuple[str, str], list[float]]:
    """Wall seconds per run: {(exercise id, "solutions" | "exercises"): [...], TRIVIAL: [...]}.

    Each repeat runs the trivial run and every exercise against both targets once,
    interleaved, so a burst of load hits every row alike; a first, untimed round writes
    the bytecode caches a learner's runs have from their second run on. (Shared with ``python -m
    benchmarks``.)
    """
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    with tempfile.TemporaryDirectory() as scratch:
        trivial_file = Path(scratch, "test_trivial.py")
        trivial_file.write_text("def test_trivial():\n    assert True\n")
        commands = {TRIVIAL: (pytest + [str(trivial_file)], Path(scratch))}
        for exercise in chosen:
            for target in ("solutions", "exercises"):
                commands[(exercise.id, target)] = (
                    pytest + [str(exercise.folder), f"--kata-target={target}"],
                    manifest.REPO_ROOT,
                )
        times: dict[tuple[str, str], list[float]] = {key: [] for key in commands}
        for command, cwd in commands.values():  # a first run, not timed: the caches
            wall(command, cwd)
        for _ in range(repeat):
            for key, (command, cwd) in commands.items():
                times[key].append(wall(command, cwd))
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exercises", nargs="*", help="exercise ids (default: all)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--target-ratio", type=float, default=None,
        help="one target for every exercise (default: each exercise's own, 3x or 4x)",
    )
    args = parser.parse_args()
    chosen = [e for e in manifest.exercises() if not args.exercises or e.id in args.exercises]
    times = measure(chosen, args.repeat)
    base = statistics.median(times[TRIVIAL])
    print(f"trivial one-test pytest run: median {base:.3f} s over {args.repeat} runs")
    print(f"{'exercise':<16}{'target':>7}{'solution':>18}{'stub':>18}")
    over = []
    for exercise in chosen:
        limit = args.target_ratio or exercise.feedback_target
        cells = []
        for target in ("solutions", "exercises"):
            median = statistics.median(times[(exercise.id, target)])
            ratio = median / base
            flag = " !" if ratio > limit else "  "
            if ratio > limit:
                over.append(f"{exercise.id} ({target}, {ratio:.1f}x > {limit:g}x)")
            cells.append(f"{median:6.3f} s {ratio:4.1f}x{flag}")
        print(f"{exercise.id:<16}{limit:>6g}x{cells[0]:>18}{cells[1]:>18}")
    if over:
        print(f"over target: {', '.join(over)}")
    else:
        print("every exercise within its target")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
