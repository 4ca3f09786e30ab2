"""`python -m kata COMMAND`: the learner's and the dojo facilitator's commands.

Each command is a module of this package with ``HELP`` (one line), ``add_arguments(parser)``
and ``run(args) -> exit status``; this module only parses the command line and
dispatches. Standard library only.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from kata.cli.common import CliError

# (command, module): the order `python -m kata --help` lists them in.
COMMANDS = (
    ("list", "list_exercises"),
    ("next", "next_exercise"),
    ("hint", "hint"),
    ("watch", "watch"),
    ("reset", "reset"),
    ("verify", "verify"),
)

# Commands that live with the code they drive; each parses its own arguments.
# (command, module, function, one line of help)
DELEGATED = (
    ("grade", "kata.grading", "main", "grade a submission: table, Gradescope, JUnit XML, JSON"),
    ("handout", "kata.handout", "main_handout", "write the student copy (no solutions, no mutants)"),
    ("gradescope-bundle", "kata.handout", "main_gradescope_bundle", "write a Gradescope autograder"),
)

DESCRIPTION = """\
Work the concurrency kata: see where you are, get a hint, rerun an exercise on every
save, start an exercise over, or check the whole set.

The usual loop:
  python -m kata next          which exercise is next, and its tasks
  python -m kata watch         rerun it each time you save; moves on when it is green
  python -m kata hint 03       one more hint for 03_locks, mildest first
  python -m kata list          every exercise and its latest result
"""


def _epilog() -> str:
    lines = ["for teachers (each has its own --help):"]
    lines += [f"  {name:<19} {about}" for name, _, _, about in DELEGATED]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kata",
        description=DESCRIPTION,
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module_name in COMMANDS:
        module = importlib.import_module(f"kata.cli.{module_name}")
        sub = commands.add_parser(
            name,
            help=module.HELP,
            description=module.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        status = _dispatch(sys.argv[1:] if argv is None else list(argv))
        sys.stdout.flush()  # here, not at exit, where a reader gone away cannot be caught
        return status
    except BrokenPipeError:
        # The reader went away (`python -m kata hint 03 --all | head -1`): it took what it
        # wanted. Point stdout at nothing, so the flush at exit cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _dispatch(argv: list[str]) -> int:
    for name, module_name, function, _ in DELEGATED:
        if argv[:1] == [name]:
            return getattr(importlib.import_module(module_name), function)(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except CliError as exc:
        print(f"kata {args.command}: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
