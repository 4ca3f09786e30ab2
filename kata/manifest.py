"""The exercise manifest (exercises/manifest.toml) and the places the harness reads from."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
EXERCISES_DIR = REPO_ROOT / "exercises"
SOLUTIONS_DIR = REPO_ROOT / "solutions"
MUTANTS_DIR = REPO_ROOT / "tests" / "mutants"
ALTERNATIVES_DIR = REPO_ROOT / "tests" / "alternatives"
MANIFEST_PATH = EXERCISES_DIR / "manifest.toml"


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    module: str
    concepts: tuple[str, ...]
    points: int
    processes: bool = False  # starts child processes: tested under every start method
    sockets: bool = False  # serves connections

    @property
    def feedback_target(self) -> float:
        """How many times a trivial pytest run its tests may take against the solution."""
        return 4.0 if self.processes or self.sockets else 3.0

    @property
    def folder(self) -> Path:
        return EXERCISES_DIR / self.id

    @property
    def stub(self) -> Path:
        return self.folder / f"{self.module}.py"

    @property
    def test_file(self) -> Path:
        return self.folder / f"test_{self.module}.py"

    @property
    def solution(self) -> Path:
        return SOLUTIONS_DIR / self.id / f"{self.module}.py"

    @property
    def mutants(self) -> list[Path]:
        """Known-wrong implementations: each must fail the tests its docstring names."""
        return sorted((MUTANTS_DIR / self.id).glob("*.py"))

    @property
    def alternatives(self) -> list[Path]:
        """Correct implementations written differently from the reference: each must pass."""
        return sorted((ALTERNATIVES_DIR / self.id).glob("*.py"))


@lru_cache(maxsize=None)
def exercises() -> tuple[Exercise, ...]:
    with MANIFEST_PATH.open("rb") as f:
        rows = tomllib.load(f)["exercise"]
    return tuple(
        Exercise(
            id=row["id"],
            title=row["title"],
            module=row["module"],
            concepts=tuple(row["concepts"]),
            points=int(row["points"]),
            processes=bool(row.get("processes", False)),
            sockets=bool(row.get("sockets", False)),
        )
        for row in rows
    )


def find(spec: str) -> Exercise:
    """The exercise named "03", "3", "03_locks", "locks" or by its module ("bank")."""
    spec = spec.strip().rstrip("/").rpartition("/")[2]
    for exercise in exercises():
        number, _, name = exercise.id.partition("_")
        if spec in (exercise.id, name, exercise.module) or (spec.isdigit() and int(spec) == int(number)):
            return exercise
    known = ", ".join(e.id for e in exercises())
    raise LookupError(f"no exercise called {spec!r}; the exercises are: {known}")


def by_module(module: str) -> Exercise:
    for exercise in exercises():
        if exercise.module == module:
            return exercise
    raise KeyError(f"no exercise in {MANIFEST_PATH} has the module {module!r}")


def exercise_of_test(path: Path) -> Exercise | None:
    """The exercise whose folder holds this test file, or None for any other file."""
    path = Path(path).resolve()
    for exercise in exercises():
        if path.parent == exercise.folder:
            return exercise
    return None
