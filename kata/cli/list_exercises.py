"""Every exercise in the order to work them, with its latest result.

The results are the ones your last runs left (each `pytest exercises/NN` run remembers
them in .kata/state.json), so this is instant. `--refresh` reruns the exercises first,
each in its own pytest process, against your work in exercises/.

States: "done (n of n passing)", "n of m passing", "not started (0 of m passing)" when
every test still meets an unwritten function, and "not started (no results yet)" for an
exercise never run. "(edited since)" marks a module saved after its last run.
"""

from __future__ import annotations

import sys

from kata import manifest
from kata.cli import common

HELP = "every exercise and its latest result (--refresh reruns them)"


def add_arguments(parser) -> None:
    parser.add_argument(
        "--refresh",
        nargs="*",
        metavar="NN",
        default=None,
        help="rerun the exercises first (all of them, or the ones named: 03 or 03_locks), "
        "each in its own pytest process",
    )
    parser.add_argument(
        "--wall-seconds", type=float, default=120.0, metavar="S",
        help="with --refresh: stop an exercise's run after S seconds (default 120)",
    )


def run(args) -> int:
    if args.refresh is not None:
        chosen = [common.find_exercise(s) for s in args.refresh] or list(manifest.exercises())
        try:
            for exercise in chosen:
                print(f"running {exercise.id} ...", end=" ", flush=True, file=sys.stderr)
                outcome = common.run_exercise(exercise, wall_seconds=args.wall_seconds)
                print(f"{outcome.run.seconds:.1f} s", file=sys.stderr)
        except KeyboardInterrupt:
            common.kill_children()
            raise
    states = common.latest_states()
    rows = []
    for exercise in manifest.exercises():
        known = states.get(exercise.id)
        state = known["state"] if known else common.NEVER_RUN
        if known and _edited_since(exercise, known.get("updated", 0)):
            state += " (edited since)"
        rows.append((exercise, state))
    for line in common.table(rows):
        print(line)
    done = sum(common.is_done(states.get(e.id, {}).get("state")) for e in manifest.exercises())
    print(f"\n{done} of {len(rows)} exercises done.", end=" ")
    if not states:
        print("No results yet: run `pytest exercises/NN` or `python -m kata list --refresh`.")
    else:
        print("`python -m kata next` shows what to do next; `--refresh` reruns them all.")
    return 0


def _edited_since(exercise: manifest.Exercise, updated: float) -> bool:
    try:
        return exercise.stub.stat().st_mtime > updated + 1.0
    except OSError:
        return False
