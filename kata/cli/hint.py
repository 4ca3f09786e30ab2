"""The next hint for an exercise: one more each time you ask, mildest first.

The count of hints you have seen is kept in .kata/hints.json, so the next call shows the
next one. `--all` shows every hint at once without moving the count.
"""

from __future__ import annotations

import json

from kata import progress
from kata.cli import common

HELP = "the next hint for an exercise, one more each call (--all: every hint)"


def add_arguments(parser) -> None:
    parser.add_argument("exercise", metavar="NN", help="the exercise: 03 or 03_locks")
    parser.add_argument("--all", action="store_true", help="show every hint of the exercise")


def seen_path():
    return progress.state_dir() / "hints.json"


def load_seen() -> dict[str, int]:
    try:
        seen = json.loads(seen_path().read_text())
        return {k: int(v) for k, v in seen.items()} if isinstance(seen, dict) else {}
    except (OSError, ValueError, TypeError):
        return {}


def save_seen(seen: dict[str, int]) -> None:
    path = seen_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(seen, indent=2, sort_keys=True))


def forget(exercise_id: str) -> None:
    seen = load_seen()
    if seen.pop(exercise_id, None) is not None:
        save_seen(seen)


def _show(exercise, index: int, all_hints) -> None:
    hint = all_hints[index]
    print(f"{exercise.id}, hint {index + 1} of {len(all_hints)} ({hint.topic}):\n")
    print(hint.text)


def run(args) -> int:
    exercise = common.find_exercise(args.exercise)
    all_hints = common.hints(exercise)
    where = common.shown(exercise.folder / "hints.md")
    if not all_hints:
        print(f"{exercise.id} has no hints in {where}. Its README has the lesson and the tasks.")
        return 0
    if args.all:
        for index in range(len(all_hints)):
            if index:
                print("\n" + "-" * 60 + "\n")
            _show(exercise, index, all_hints)
        return 0
    seen = load_seen()
    count = seen.get(exercise.id, 0)
    if count >= len(all_hints):
        print(
            f"No more hints for {exercise.id}: you have seen all {len(all_hints)}. "
            f"`python -m kata hint {common.number(exercise)} --all` shows them all again."
        )
        return 0
    _show(exercise, count, all_hints)
    seen[exercise.id] = count + 1
    save_seen(seen)
    left = len(all_hints) - count - 1
    print(
        f"\n({left} more: `python -m kata hint {common.number(exercise)}` again.)" if left
        else "\n(That was the last hint.)"
    )
    return 0
