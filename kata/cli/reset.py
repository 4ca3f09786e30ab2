"""Put an exercise's stub back, as it was handed out, keeping a backup of your version.

The original stub is the version of exercises/NN/<module>.py in the checkout's last
commit (`git show HEAD:...`), so this works in this repository and in a handout, which is
a git repository too. Your file is first copied to .kata/backups/<module>-<time>.py.
The exercise's remembered results and hint count are cleared.
"""

from __future__ import annotations

import shutil
import subprocess

from kata import manifest, progress
from kata.cli import common, hint

HELP = "restore an exercise's original stub (your version is backed up in .kata/backups/)"


def add_arguments(parser) -> None:
    parser.add_argument("exercise", metavar="NN", help="the exercise: 03 or 03_locks")
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    common.add_target_option(parser, "the tree whose module is reset")


def pristine_stub(exercise: manifest.Exercise) -> bytes:
    """The stub as committed; CliError when there is no git checkout to take it from."""
    relative = f"exercises/{exercise.id}/{exercise.module}.py"
    if shutil.which("git") is None:
        raise _no_original(exercise, "git is not installed")
    try:
        done = subprocess.run(
            ["git", "show", f"HEAD:./{relative}"],
            cwd=manifest.REPO_ROOT, capture_output=True, timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise _no_original(exercise, f"git failed: {exc}") from None
    if done.returncode != 0:
        why = done.stderr.decode(errors="replace").strip().splitlines()
        raise _no_original(exercise, why[-1] if why else f"git show ended with status {done.returncode}")
    return done.stdout


def _no_original(exercise, why: str) -> common.CliError:
    return common.CliError(
        f"cannot find the original of {exercise.id}'s stub: {why}. It is taken from git "
        f"(git show HEAD:exercises/{exercise.id}/{exercise.module}.py) and this folder "
        f"({manifest.REPO_ROOT}) is not a git checkout with that file committed. "
        "Nothing was changed.",
        status=1,
    )


def _backup_path(exercise: manifest.Exercise):
    folder = progress.state_dir() / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{exercise.module}-{common.timestamp()}.py"
    n = 1
    while path.exists():
        path = folder / f"{exercise.module}-{common.timestamp()}-{n}.py"
        n += 1
    return path


def run(args) -> int:
    exercise = common.find_exercise(args.exercise)
    if args.target == "solutions":
        raise common.CliError("the reference solutions are not reset: choose 'exercises' or a folder")
    path = common.module_path(exercise, args.target)
    original = pristine_stub(exercise)
    current = path.read_bytes() if path.is_file() else None
    if current == original:
        print(f"{common.shown(path)} is already the original stub: nothing to do.")
        return 0
    if not args.yes:
        try:
            answer = input(f"Replace {common.shown(path)} with the original stub? Your version is backed up first. [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was changed.")
            return 1
    if current is not None:
        backup = _backup_path(exercise)
        backup.write_bytes(current)
        print(f"Your version is saved as {common.shown(backup)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(original)
    if args.target == "exercises":
        progress.forget(exercise.id)
    hint.forget(exercise.id)
    again = f"pytest {common.shown(exercise.folder)}" if args.target == "exercises" else f"python -m kata verify {exercise.id} --target {args.target}"
    print(f"{common.shown(path)} is the original stub again. Start it over with: {again}")
    return 0
