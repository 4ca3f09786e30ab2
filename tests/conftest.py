"""Shared fixtures of the repository's self-test.

Most self-tests wait on a whole pytest run in a subprocess (kata.runner). Those runs are
started ahead, when the session starts, one more at a time than there are cores (a run spends much of its time
waiting on a bound or a child process, not computing), in the order the tests were
collected; each test then waits for its own run. A test module takes part by defining
``planned_run(item, scratch)``, which returns (key, function) for a test that needs a run
and None otherwise; the test gets its result with ``runs.result(key)``.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

PARALLEL_RUNS = (os.cpu_count() or 1) + 1


@pytest.fixture(scope="session")
def scratch(tmp_path_factory):
    """A folder for target trees the self-test lays out (mutants, broken modules)."""
    return tmp_path_factory.mktemp("targets")


class Runs:
    def __init__(self, session, scratch):
        self._pool = ThreadPoolExecutor(max_workers=PARALLEL_RUNS, thread_name_prefix="selftest-run")
        self._futures = {}
        for item in session.items:
            plan = getattr(item.module, "planned_run", None)
            planned = plan(item, scratch) if plan else None
            if planned is not None and planned[0] not in self._futures:
                key, function = planned
                self._futures[key] = self._pool.submit(function)

    def result(self, key):
        return self._futures[key].result()

    def close(self):
        self._pool.shutdown(wait=True, cancel_futures=True)


def pytest_collection_modifyitems(session, config, items):
    """The tests that wait on planned runs go last, so that the others (which start
    pytest runs of their own, one at a time) run while the planned runs go on."""
    items.sort(key=lambda item: "runs" in item.fixturenames)  # a stable sort keeps the order within each


@pytest.fixture(scope="session", autouse=True)
def _planned_runs_start_with_the_session(request):
    request.getfixturevalue("runs")


@pytest.fixture(scope="session")
def runs(request, scratch):
    with pytest.MonkeyPatch.context() as patch:
        # Each run compiles the harness, pytest and the tests' rewritten asserts once for
        # all (a bytecode cache in the scratch folder, whatever the developer's environment
        # says about writing one): about 0.1 s a run otherwise.
        patch.setenv("PYTHONDONTWRITEBYTECODE", "")
        patch.setenv("PYTHONPYCACHEPREFIX", str(scratch / "bytecode"))
        pool = Runs(request.session, scratch)
        yield pool
        pool.close()
