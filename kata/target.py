"""Which implementations the tests run against, and how they are imported.

The same test files test the stubs (``exercises``), the reference solutions
(``solutions``) or any tree laid out as ``NN_name/<module>.py`` (a student's submission).
Each exercise's folder goes on ``sys.path`` so that its module is imported by its plain
name: multiprocessing children started with spawn or forkserver receive the parent's
``sys.path`` and can import it too.

From a submission only the implementation modules are used: they are copied into a fresh
folder first, so its tests, conftest files or a stray ``threading.py`` are never seen.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import threading
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kata import manifest


@dataclass
class Target:
    label: str  # what the user asked for: "exercises", "solutions" or the folder
    root: Path  # the tree the modules are imported from
    shown_root: Path  # the tree named in messages (differs for a copied submission)
    scratch: Path | None = None  # our copy of a submission, removed at the end
    import_failures: dict[str, str] = field(default_factory=dict)
    _owned: dict[str, bool] = field(default_factory=dict, repr=False)

    def folder(self, exercise: manifest.Exercise) -> Path:
        return self.root / exercise.id

    def owns(self, filename: str) -> bool:
        """Is this file one of the implementations under test?"""
        owned = self._owned.get(filename)
        if owned is None:  # resolving paths is slow, and reports ask about the same files
            try:
                Path(filename).resolve().relative_to(self.root.resolve())
                owned = True
            except (ValueError, OSError):
                owned = False
            self._owned[filename] = owned
        return owned

    def shown(self, filename: str) -> str:
        """The path to show a person for a file of this target, short where possible."""
        path = Path(filename).resolve()
        try:
            path = self.shown_root / path.relative_to(self.root.resolve())
        except ValueError:
            pass
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)


_active: Target | None = None


def resolve(spec: str) -> Target:
    if spec == "exercises":
        return Target("exercises", manifest.EXERCISES_DIR, manifest.EXERCISES_DIR)
    if spec == "solutions":
        return Target("solutions", manifest.SOLUTIONS_DIR, manifest.SOLUTIONS_DIR)
    submitted = Path(spec).expanduser().resolve()
    if not submitted.is_dir():
        raise pytest.UsageError(
            f"--kata-target {spec!r}: expected 'exercises', 'solutions' or a folder "
            "laid out as NN_name/<module>.py"
        )
    scratch = Path(tempfile.mkdtemp(prefix="kata-target-"))
    for exercise in manifest.exercises():
        (scratch / exercise.id).mkdir()
        source = submitted / exercise.id / f"{exercise.module}.py"
        if source.is_file():
            shutil.copyfile(source, scratch / exercise.id / source.name)
    return Target(str(submitted), scratch, submitted, scratch=scratch)


def activate(target: Target) -> None:
    global _active
    _active = target
    for exercise in reversed(manifest.exercises()):
        sys.path.insert(0, str(target.folder(exercise)))
    # Children started with spawn or forkserver rebuild sys.path from the parent's, but a
    # plain subprocess running "python -c 'import bank'" only sees the environment.
    os.environ["KATA_TARGET"] = target.label


def deactivate() -> None:
    global _active
    target, _active = _active, None
    if target is None:
        return
    for exercise in manifest.exercises():
        entry = str(target.folder(exercise))
        if entry in sys.path:
            sys.path.remove(entry)
    if target.scratch is not None:
        shutil.rmtree(target.scratch, ignore_errors=True)


def active() -> Target:
    if _active is None:
        raise RuntimeError(
            "the kata harness is not loaded: run pytest from the repository root, whose "
            "conftest.py loads kata.plugin"
        )
    return _active


def load(module_name: str):
    """Import the implementation under test, or fail the test with a message that teaches.

    This runs inside a test, so the per-test timeout covers the import: an endless loop
    at module level fails one test, and every later test fails at once with the same
    message instead of waiting out the timeout again.
    """
    module = sys.modules.get(module_name)
    if module is not None and not getattr(module.__spec__, "_initializing", False):
        return module  # imported whole
    # The first use may come from several of the test's threads at once: one imports,
    # the others wait for it instead of taking a half-initialised module.
    with _loading:
        return _load(module_name)


_loading = threading.RLock()


def _load(module_name: str):
    target = active()
    exercise = manifest.by_module(module_name)
    if module_name in sys.modules:
        return sys.modules[module_name]
    if module_name in target.import_failures:
        pytest.fail(target.import_failures[module_name], pytrace=False)
    expected = target.folder(exercise) / f"{module_name}.py"
    shown = target.shown(str(expected))
    if not expected.is_file():
        message = f"{shown} does not exist: this exercise has no implementation to test yet."
        target.import_failures[module_name] = message
        pytest.fail(message, pytrace=False)
    module, message = _import(module_name, expected, shown)
    if module is not None:
        return module
    sys.modules.pop(module_name, None)
    target.import_failures[module_name] = message
    pytest.fail(message, pytrace=False)


def _import(module_name: str, expected: Path, shown: str):
    """(module, None) when the import worked, else (None, what went wrong)."""
    from kata import messages  # late: it imports this module

    try:
        module = importlib.import_module(module_name)
    except messages.ExitAttempt as exc:
        return None, f"{shown} called {exc.call} while being imported. {messages.EXIT_LESSON}"
    except SystemExit as exc:
        return None, (
            f"{shown} raised SystemExit({exc.code!r}) while being imported (a call to "
            f"sys.exit()?). {messages.EXIT_LESSON}"
        )
    except messages.TestTimedOut:
        # Remember it, so that later tests fail at once, but let this test time out.
        active().import_failures[module_name] = (
            f"Importing {shown} did not finish within the test's time limit: is there an "
            "endless loop or a blocking call at module level? Code that runs when the "
            "module is imported should only define things."
        )
        sys.modules.pop(module_name, None)
        raise
    except Exception as exc:
        return None, f"{shown} could not be imported:\n" + messages.format_exception(exc)
    where = getattr(module, "__file__", None) or "?"
    if Path(where).resolve() != expected.resolve():
        return None, (
            f"'import {module_name}' found {where}, not {shown}: another module of that "
            "name shadows the exercise. Rename or remove it."
        )
    return module, None


class Implementation:
    """A stand-in for the module under test that imports it on first use, inside a test.

    Tests write ``bank = implementation("bank")`` at module level and then ``bank.Account``
    as with a plain import; the attribute is the module's own object, so functions
    handed to multiprocessing pickle by their real module name.
    """

    def __init__(self, module_name: str):
        object.__setattr__(self, "_module_name", module_name)

    def __getattr__(self, name: str):
        if name.startswith("_") or name.startswith("pytest"):
            # pytest inspects every module attribute while collecting; answering it would
            # import the learner's module outside any test, where no time limit applies.
            raise AttributeError(name)
        return getattr(load(self._module_name), name)

    def __setattr__(self, name: str, value) -> None:
        setattr(load(self._module_name), name, value)

    def __repr__(self) -> str:
        return f"<implementation of {self._module_name!r} from the kata target>"


def implementation(module_name: str) -> Implementation:
    manifest.by_module(module_name)  # a typo fails at collection, loudly
    return Implementation(module_name)
