"""The self-test: every exercise in the manifest is complete, and its tests tell right from wrong.

For each exercise the reference solution passes every test under every start method,
the stub fails every test, every known-wrong implementation in tests/mutants/ fails
the tests its docstring names (its run runs only those), and every correct implementation written another
way, in tests/alternatives/, passes every test (the tests check behaviour, not one
design). Each of these runs the exercise's tests in a fresh pytest process
(kata.runner), as a learner would.

Under KATA_SIMULATE=macos or windows every run simulates that system (kata.runner passes
the switch on): the start methods are the ones it offers (kata.platform), and a mutant
whose docstring says 'Caught on: linux, macos (why not on Windows)' is not expected
caught where it cannot be.
"""

from __future__ import annotations

import ast
import datetime
import importlib.machinery
import importlib.util
import os
import re
import sys
from pathlib import Path

import pytest

from kata import manifest, platform, runner
from kata.cli import common

# These tests wait on whole pytest runs in subprocesses, each bounded by its own wall limit.
pytestmark = pytest.mark.timeout(200)


def _load_api_free():
    path = Path(__file__).parent / "broken" / "api_free.py"
    spec = importlib.util.spec_from_file_location("kata_selftest_api_free", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


api_free = _load_api_free()
EXERCISES = manifest.exercises()
IDS = [e.id for e in EXERCISES]
# The system this run is (or simulates: KATA_SIMULATE), and its start methods: the
# default (fork on Linux up to 3.13, forkserver from 3.14, spawn on macOS and Windows),
# and a second one that boots every child afresh where there is one (not on Windows).
SYSTEM = platform.SYSTEM
START_METHODS = platform.start_methods()
DEFAULT_METHOD = platform.default_start_method()
SECOND_METHOD = next((m for m in ("spawn", "forkserver") if m != DEFAULT_METHOD and m in START_METHODS), None)
# A thread-only exercise runs the same under every start method: once is enough.
SOLUTION_RUNS = [(e, m) for e in EXERCISES for m in (START_METHODS if e.processes else (DEFAULT_METHOD,))]
# Every mutant runs under the default method. The mutants of the exercises that start
# processes run under the second method too, a quarter of them in each run: which
# quarter turns with the day (KATA_ROTATION=0..3 picks one), so four days of runs cover
# them all; `python -m kata.stress NN --mutants --start-method spawn` checks them at once.
ROTATION = int(os.environ.get("KATA_ROTATION") or datetime.date.today().toordinal()) % 4
# A mutant that is wrong only under some start methods says so ('Caught under: fork')
# and runs only under those; one that cannot be caught on some system ('Caught on: linux,
# macos (why)') runs only on those.
ALL_MUTANTS = [(e, m) for e in EXERCISES for m in e.mutants]
MUTANTS = [
    (e, m, method)
    for e, m, method in [(e, m, DEFAULT_METHOD) for e, m in ALL_MUTANTS] + [
        (e, m, SECOND_METHOD)
        for index, (e, m) in enumerate((e, m) for e, m in ALL_MUTANTS if e.processes)
        if index % 4 == ROTATION and SECOND_METHOD is not None
    ]
    if method in runner.mutant_start_methods(m) and SYSTEM in runner.mutant_systems(m)[0]
]
# Where a mutant cannot be caught is the exception: on each system at least this share
# of all the mutants must be expected caught (and on Linux every one).
CAUGHT_SHARE = 0.95
ALTERNATIVES = [(e, a) for e in EXERCISES for a in e.alternatives]

# A wrong answer should fail in about a second; this is the bound the self-test holds
# each stub and mutant run to, with room for a loaded machine.
WRONG_ANSWER_SECONDS = 15.0


def describe(run: runner.Run) -> str:
    return f"exit status {run.returncode} after {run.seconds:.1f} s; output:\n{run.output[-6000:]}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_exercise_has_every_part(exercise):
    for path in (exercise.folder / "README.md", exercise.folder / "hints.md", exercise.stub,
                 exercise.test_file, exercise.solution):  # fmt: skip
        assert path.is_file(), f"{exercise.id} is missing {path.relative_to(manifest.REPO_ROOT)}"
    names = runner.test_names(exercise)
    assert 4 <= len(names) <= 10, f"{exercise.id} has {len(names)} tests; the design asks for 4 to 10"
    assert exercise.mutants, f"{exercise.id} has no mutants in tests/mutants/{exercise.id}/"
    assert exercise.alternatives, (
        f"{exercise.id} has no correct alternative in tests/alternatives/{exercise.id}/: "
        "without one, nothing shows that its tests accept a design other than the reference"
    )
    uses_processes = re.search(r"multiprocessing|ProcessPool", exercise.test_file.read_text(encoding="utf-8") + exercise.solution.read_text(encoding="utf-8"))
    assert bool(uses_processes) == exercise.processes, (
        f"{exercise.id} {'starts' if uses_processes else 'starts no'} processes: set processes = "
        f"{str(bool(uses_processes)).lower()} in the manifest, so it runs under the start methods it needs"
    )
    assert "solutions" not in exercise.test_file.read_text(encoding="utf-8").replace("--kata-target solutions", ""), (
        "exercise tests must import the implementation through kata.implementation, never from solutions/"
    )


def test_module_names_are_unique_and_shadow_nothing():
    modules = [e.module for e in EXERCISES]
    assert len(set(modules)) == len(modules), f"two exercises share a module name: {modules}"
    ours = {str(e.folder) for e in EXERCISES} | {str(manifest.SOLUTIONS_DIR / e.id) for e in EXERCISES}
    elsewhere = [p for p in sys.path if p not in ours and p not in ("", ".")]
    for name in modules:
        assert name not in sys.stdlib_module_names, f"{name} shadows a standard-library module"
        found = importlib.machinery.PathFinder.find_spec(name, elsewhere)
        assert found is None, f"{name} shadows an installed module: {found.origin}"


def contract_rows(path) -> list[tuple[str, list[str]]]:
    """(promise, tests named) for each row of the contract table in CONTRACT.md."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.lstrip().startswith("|") else []
        if len(cells) < 2 or set(cells[0]) <= set("-: ") or cells[0] == "promise":
            continue
        rows.append((cells[0], re.findall(r"`(test_\w+)`", cells[-1])))
    return rows


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_contract_table_names_a_test_for_every_promise(exercise):
    """CONTRACT.md beside the README: every promise has a test, every test a promise."""
    path = exercise.folder / "CONTRACT.md"
    assert path.is_file(), f"{exercise.id} has no contract table (exercises/{exercise.id}/CONTRACT.md)"
    rows = contract_rows(path)
    assert rows, f"{path.name} of {exercise.id} has no table rows"
    untested = [promise for promise, tests in rows if not tests]
    assert not untested, f"promises with no test named: {untested}"
    defined = set(runner.test_names(exercise))
    named = {test for _, tests in rows for test in tests}
    assert named <= defined, f"the table names tests that do not exist: {sorted(named - defined)}"
    assert defined <= named, f"tests no promise names (what do they check?): {sorted(defined - named)}"


def _public_api(path) -> dict[str, str]:
    """Each public top-level name and method, as its signature and docstring."""
    api = {}

    def visit(nodes, prefix):
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if node.name.startswith("_") and node.name != "__init__":
                    continue
                if isinstance(node, ast.ClassDef):
                    bases = ", ".join(ast.unparse(b) for b in node.bases)
                    api[prefix + node.name] = f"class({bases}) {ast.get_docstring(node)!r}"
                    visit(node.body, prefix + node.name + ".")
                else:
                    decorators = " ".join("@" + ast.unparse(d) for d in node.decorator_list)
                    returns = ast.unparse(node.returns) if node.returns else ""
                    api[prefix + node.name] = (
                        f"{decorators} ({ast.unparse(node.args)}) -> {returns} "
                        f"{ast.get_docstring(node)!r}"
                    )
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and not prefix:
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if isinstance(target, ast.Name) and not target.id.startswith("_"):
                        api[target.id] = "variable"

    visit(ast.parse(path.read_text(encoding="utf-8")).body, "")
    return api


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_stub_and_solution_have_the_same_api(exercise):
    stub, solution = _public_api(exercise.stub), _public_api(exercise.solution)
    assert stub.keys() == solution.keys(), (
        f"only in the stub: {sorted(stub.keys() - solution.keys())}; "
        f"only in the solution: {sorted(solution.keys() - stub.keys())}"
    )
    differ = [name for name in stub if stub[name] != solution[name]]
    assert not differ, "signature or docstring differs between stub and solution: " + ", ".join(
        f"\n  {n}:\n    stub:     {stub[n]}\n    solution: {solution[n]}" for n in differ
    )


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_readme_has_the_shared_headings(exercise):
    """`# NN · title`, then The idea, What you write, How it works in Python 3, What changed
    since Python 2 and (optional) Measured, and the tasks on the first screen: the shape
    `python -m kata next` reads, checked by the same parser (kata/cli/common.py)."""
    problems = common.readme_problems((exercise.folder / "README.md").read_text(encoding="utf-8"))
    assert not problems, f"exercises/{exercise.id}/README.md: " + "; ".join(problems)


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_hints_follow_the_one_format(exercise):
    """`# Hints for NN_name`, then `## Hint N · topic` for N = 1..n, each with its text:
    the format `python -m kata hint` reads, checked by the same parser (kata/cli/common.py)."""
    problems = common.hints_problems((exercise.folder / "hints.md").read_text(encoding="utf-8"), exercise.id)
    assert not problems, f"exercises/{exercise.id}/hints.md: " + "; ".join(problems)


def planned_run(item, scratch):
    """The pytest run a test of this module needs (see conftest.py), started ahead."""
    params = getattr(item, "callspec", None) and item.callspec.params
    name = item.originalname
    if name == "test_solution_passes_every_test":
        exercise, method = params["exercise"], params["start_method"]
        # -v undoes the runner's -q, so that the header (which names a simulation) shows
        return ("solution", exercise.id, method), lambda: runner.run_exercise(
            exercise, "solutions", start_method=method, extra_args=("-v",) if platform.SIMULATED else ()
        )
    if name == "test_stub_fails_every_test":
        exercise = params["exercise"]
        return ("stub", exercise.id), lambda: runner.run_exercise(exercise, "exercises")
    if name == "test_mutant_is_caught":
        exercise, mutant, method = params["exercise"], params["mutant"], params["start_method"]
        target = runner.stage(exercise, mutant, scratch / method / exercise.id / mutant.stem)
        named = runner.mutant_expectations(mutant)[0]  # what the test below judges
        return ("mutant", exercise.id, mutant.stem, method), lambda: runner.run_exercise(
            exercise, target, start_method=method, tests=named
        )
    if name == "test_api_free_module_passes_no_test":
        exercise, kind = params["exercise"], params["kind"]
        folder = scratch / "api_free" / kind / exercise.id
        folder.mkdir(parents=True, exist_ok=True)
        module = folder / f"{exercise.module}.py"
        module.write_text(api_free.source(kind, exercise.stub))
        return ("api_free", exercise.id, kind), lambda: runner.run_exercise(exercise, folder.parent)
    if name == "test_alternative_passes_every_test":
        exercise, alternative = params["exercise"], params["alternative"]
        target = runner.stage(exercise, alternative, scratch / "alternatives" / exercise.id / alternative.stem)
        return ("alternative", exercise.id, alternative.stem), lambda: runner.run_exercise(exercise, target)
    return None


@pytest.mark.parametrize("exercise, start_method", SOLUTION_RUNS, ids=[f"{e.id}-{m}" for e, m in SOLUTION_RUNS])
def test_solution_passes_every_test(exercise, start_method, runs):
    run = runs.result(("solution", exercise.id, start_method))
    expected = set(runner.test_names(exercise))
    assert run.returncode == 0 and run.passed() == expected, (
        f"not passed: {sorted(expected - run.passed())}; " + describe(run)
    )
    if platform.SIMULATED:  # a run that silently ran as Linux would prove nothing
        assert f"simulating {platform.SIMULATED} on Linux" in run.output, (
            f"the run's header should say it simulates {platform.SIMULATED}; " + describe(run)
        )


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_stub_fails_every_test(exercise, runs):
    run = runs.result(("stub", exercise.id))
    expected = set(runner.test_names(exercise))
    assert run.returncode == 1 and run.failed() == expected and set(run.outcomes) == expected, (
        f"passed against the stub: {sorted(run.passed())}; " + describe(run)
    )
    assert run.seconds < WRONG_ANSWER_SECONDS, "the stub should fail fast; " + describe(run)


@pytest.mark.parametrize(
    "exercise, mutant, start_method", MUTANTS,
    ids=[f"{e.id}/{m.stem}" + ("" if method == DEFAULT_METHOD else f"@{method}") for e, m, method in MUTANTS],
)  # fmt: skip
def test_mutant_is_caught(exercise, mutant, start_method, runs):
    must_fail, phrases = runner.mutant_expectations(mutant)
    assert must_fail, f"{mutant.name}'s docstring should name the tests that catch it ('Caught by: ...')"
    unknown = set(must_fail) - set(runner.test_names(exercise))
    assert not unknown, f"{mutant.name} names tests that do not exist: {sorted(unknown)}"
    run = runs.result(("mutant", exercise.id, mutant.stem, start_method))
    assert run.returncode == 1, describe(run)
    assert set(must_fail) <= run.failed(), (
        f"{mutant.name} should fail {sorted(must_fail)}; it passed "
        f"{sorted(set(must_fail) - run.failed())}. " + describe(run)
    )
    for phrase in phrases:
        assert phrase in run.output, f"the failure should say {phrase!r}. " + describe(run)
    assert run.seconds < WRONG_ANSWER_SECONDS, "a wrong answer should fail fast; " + describe(run)


@pytest.mark.parametrize("system", runner.SYSTEMS)
def test_most_mutants_are_caught_on_every_system(system):
    """A mutant's 'Caught on' line excuses it where it cannot be caught, with its reason;
    such lines are the exception (at least 95% of all mutants expected caught on each
    system) and never excuse one on Linux, where every mutant was always caught."""
    missing_reason, expected = [], 0
    for exercise, mutant in ALL_MUTANTS:
        systems, reason = runner.mutant_systems(mutant)
        if reason is not None and not reason:  # a 'Caught on' line without its why
            missing_reason.append(f"{exercise.id}/{mutant.name}")
        expected += system in systems
    assert not missing_reason, (
        "a 'Caught on' line says why in parentheses, e.g. 'Caught on: linux, macos (no SIGKILL "
        f"on Windows, and its exit code cannot tell)': {missing_reason}"
    )
    share = expected / len(ALL_MUTANTS)
    least = 1.0 if system == "linux" else CAUGHT_SHARE
    excused = [f"{e.id}/{m.stem}" for e, m in ALL_MUTANTS if system not in runner.mutant_systems(m)[0]]
    assert share >= least, (
        f"on {system} only {expected} of {len(ALL_MUTANTS)} mutants ({share:.1%}) are expected caught "
        f"(at least {least:.0%}); excused there: {excused}"
    )


@pytest.mark.parametrize(
    "exercise, alternative", ALTERNATIVES, ids=[f"{e.id}/{a.stem}" for e, a in ALTERNATIVES]
)
def test_alternative_passes_every_test(exercise, alternative, runs):
    run = runs.result(("alternative", exercise.id, alternative.stem))
    expected = set(runner.test_names(exercise))
    assert run.returncode == 0 and run.passed() == expected, (
        f"{alternative.name} is a correct design the tests must accept; not passed: "
        f"{sorted(expected - run.passed())}; " + describe(run)
    )


@pytest.mark.parametrize("kind", api_free.KINDS)
@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_api_free_module_passes_no_test(exercise, kind, runs):
    """A module with the API and no work (tests/broken/api_free.py) must pass no test."""
    run = runs.result(("api_free", exercise.id, kind))
    expected = set(runner.test_names(exercise))
    assert run.returncode == 1 and set(run.outcomes) == expected and not run.passed(), (
        f"passed against a {kind} module, so they check nothing the learner wrote: "
        f"{sorted(run.passed())}; " + describe(run)
    )
    assert run.seconds < WRONG_ANSWER_SECONDS, f"a {kind} module should fail fast; " + describe(run)
