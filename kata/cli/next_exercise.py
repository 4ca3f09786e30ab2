"""The first exercise that is not done yet, its tasks, and the command that runs it.

"Not done" is judged from the latest results (see `python -m kata list`): an exercise
never run counts as not done.
"""

from __future__ import annotations

from kata.cli import common

HELP = "the first exercise not done yet, with its tasks and how to run it"


def add_arguments(parser) -> None:
    pass


def run(args) -> int:
    states = common.latest_states()
    exercise = common.first_not_done(states)
    if exercise is None:
        print("Every exercise is done. `python -m kata verify` checks them all again.")
        return 0
    state = states.get(exercise.id, {}).get("state", common.NEVER_RUN)
    print(f"Next: {exercise.id} · {exercise.title}")
    print(f"Latest result: {state}")
    tasks = common.tasks_section(exercise)
    readme = common.shown(exercise.folder / "README.md")
    if tasks:
        print(f"\n{common.TASKS_SECTION} (from {readme}, which has the lesson too):\n")
        print(tasks)
    else:
        print(f"\nThe lesson and the tasks are in {readme}.")
    n = common.number(exercise)
    print(
        f"\nEdit {common.shown(exercise.stub)}, then run:\n"
        f"    pytest {common.shown(exercise.folder)}\n"
        f"or let the kata rerun it each time you save:  python -m kata watch {n}\n"
        f"Stuck? One hint at a time, mildest first:    python -m kata hint {n}"
    )
    return 0
