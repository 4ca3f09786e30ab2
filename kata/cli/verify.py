"""Run every exercise (or the ones named), each in its own pytest process, and print the
progress table. The exit status is 0 only when every one of them passes.

`--target solutions` checks the reference solutions; `--target DIR` a student's tree
laid out as NN_name/<module>.py (the tests always come from this repository). Runs
against your own work (the default) also update the results `python -m kata list` shows.
"""

from __future__ import annotations

import sys

from kata import manifest
from kata.cli import common

HELP = "run every exercise (or those named) and print the table; status 0 only if all pass"

START_METHODS = ("fork", "forkserver", "spawn")


def add_arguments(parser) -> None:
    parser.add_argument("exercises", metavar="NN", nargs="*", help="the exercises to run: 03 or 03_locks (default: all)")
    common.add_target_option(parser, "what to test")
    parser.add_argument("--start-method", choices=START_METHODS, help="the multiprocessing start method for the runs")
    parser.add_argument("--wall-seconds", type=float, default=120.0, metavar="S", help="stop an exercise's run after S seconds (default 120)")
    parser.add_argument("--verbose", "-v", action="store_true", help="show the pytest output of every exercise that does not pass")


def run(args) -> int:
    common.target_root(args.target)
    chosen = [common.find_exercise(s) for s in args.exercises] or list(manifest.exercises())
    outcomes = []
    try:
        for exercise in chosen:
            print(f"running {exercise.id} ...", end=" ", flush=True, file=sys.stderr)
            outcome = common.run_exercise(exercise, args.target, wall_seconds=args.wall_seconds, start_method=args.start_method)
            print(f"{outcome.run.seconds:.1f} s", file=sys.stderr)
            outcomes.append(outcome)
            if args.verbose and not outcome.passed:
                print(f"\n----- {exercise.id} -----\n{outcome.run.output.rstrip()}\n")
    except KeyboardInterrupt:
        common.kill_children()
        raise
    print(f"kata verify (target: {args.target})")
    for line in common.table([(o.exercise, o.state) for o in outcomes]):
        print(line)
    passing = sum(o.passed for o in outcomes)
    print(f"\n{passing} of {len(outcomes)} exercises pass.")
    return 0 if passing == len(outcomes) else 1
