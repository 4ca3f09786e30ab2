"""Rerun an exercise's tests each time its module is saved.

Watches the module you edit (default: the exercise `python -m kata next` picks), reruns
its tests in a fresh pytest process whenever the file changes, clears the screen and
shows the result. When the exercise turns green it says so and moves on to the next one,
watching that exercise's module. Ctrl-C stops it.

It polls the file a few times a second (inode, modification time, size) instead of
asking the system for change notices, so it sees every way an editor saves: writing in
place, or writing a new file and renaming it over the old one (vim, JetBrains IDEs).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from kata.cli import common

HELP = "rerun an exercise each time you save it; moves on when it is green"


def add_arguments(parser) -> None:
    parser.add_argument("exercise", metavar="NN", nargs="?", help="the exercise: 03 or 03_locks (default: the next one not done)")
    common.add_target_option(parser, "the tree whose modules are watched and tested")
    parser.add_argument("--interval", type=float, default=0.25, metavar="S", help="look at the file every S seconds (default 0.25)")
    parser.add_argument("--wall-seconds", type=float, default=120.0, metavar="S", help="stop a run after S seconds (default 120)")


def signature(path: Path):
    """What changes when the file is saved by any means; None while it does not exist."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def wait_for_change(path: Path, interval: float, before) -> None:
    """Return once the file differs from `before` (its signature when the last run
    started, so a save during the run counts) and has held still for one more look."""
    while True:
        time.sleep(interval)
        now = signature(path)
        if now is not None and now != before:  # missing: mid-rename, or not written yet
            break
    settle_until = time.monotonic() + 2.0
    while time.monotonic() < settle_until:  # an editor may still be writing it
        time.sleep(interval / 2)
        later = signature(path)
        if later == now:
            return
        now = later


def _clear() -> None:
    if sys.stdout.isatty():
        sys.stdout.write("\033[H\033[2J")


def _run_and_show(exercise, args, path: Path) -> common.Outcome:
    _clear()
    stamp = time.strftime("%H:%M:%S")
    print(f"kata watch · {exercise.id} · {exercise.title}")
    print(f"[{stamp}] running the tests of {common.shown(exercise.folder)} against {common.shown(path)} ...", flush=True)
    outcome = common.run_exercise(exercise, args.target, wall_seconds=args.wall_seconds)
    print(outcome.run.output.rstrip())
    print(f"\n[{time.strftime('%H:%M:%S')}] {exercise.id}: {outcome.state} ({outcome.run.seconds:.1f} s)")
    return outcome


def _states(args) -> dict:
    return common.latest_states() if args.target == "exercises" else {}


def run(args) -> int:
    common.target_root(args.target)  # a wrong --target fails now, not at the first save
    exercise = common.find_exercise(args.exercise) if args.exercise else common.first_not_done(_states(args))
    if exercise is None:
        print("Every exercise is done. Name one to watch it anyway: python -m kata watch 03")
        return 0
    try:
        while True:
            path = common.module_path(exercise, args.target)
            tested = signature(path)  # before the run: a save while it runs is not missed
            outcome = _run_and_show(exercise, args, path)
            if outcome.passed:
                print(f"\nGreen! {exercise.id} is done.")
                following = common.first_not_done(_states(args), after=exercise)
                if following is None:
                    print("That was the last exercise: every one is done. Well done!")
                    return 0
                exercise = following
                path = common.module_path(exercise, args.target)
                tested = signature(path)
                tasks = common.tasks_section(exercise)
                print(f"\nNext: {exercise.id} · {exercise.title}")
                if tasks:
                    print(f"\n{common.TASKS_SECTION} (from {common.shown(exercise.folder / 'README.md')}):\n\n{tasks}")
            print(f"\nWatching {common.shown(path)}: save it to rerun the tests (Ctrl-C to stop).", flush=True)
            wait_for_change(path, args.interval, tested)
    except KeyboardInterrupt:
        common.kill_children()
        print("\nStopped watching.", flush=True)
        return 0
