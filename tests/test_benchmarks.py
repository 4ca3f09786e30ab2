"""``python -m benchmarks --quick`` still runs, and every row still reports numbers.

The benchmarks are not part of a learner's feedback, so nothing else would notice them
rot. This runs the whole suite at its tiny size in a subprocess (its own process group,
killed whole if it overruns) and checks the JSON it writes: every row, every table, a
number for each baseline and contender. It checks that figures exist, never what they
are: on a loaded machine any ratio may move.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys

import pytest

from kata import manifest

LIMIT = 120  # seconds; the quick run takes about 20 on a loaded 2-core machine
ROWS = ("cpu", "io", "startup", "handoff", "echo", "multiplex", "feedback")

pytestmark = pytest.mark.timeout(LIMIT + 30)


def number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    path = tmp_path_factory.mktemp("benchmarks") / "bench.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KATA_", "PYTEST_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", str(path)],
        cwd=manifest.REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # so that its children can be killed with it
    )
    try:
        output, _ = process.communicate(timeout=LIMIT)
    except subprocess.TimeoutExpired:
        output = ""
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            pytest.fail(f"python -m benchmarks --quick did not finish in {LIMIT} s:\n{output[-3000:]}")
    assert process.returncode == 0, f"python -m benchmarks --quick failed:\n{output[-3000:]}"
    assert path.exists(), f"--json {path} was not written:\n{output[-3000:]}"
    return json.loads(path.read_text()), output


def test_every_row_is_reported(report):
    data, output = report
    assert set(data["rows"]) == set(ROWS), f"rows in the JSON: {sorted(data['rows'])}"
    for key in ROWS:
        assert data["rows"][key]["title"] in output, f"row {key!r} is not in the printed output"
    assert number(data["machine"]["cpu_count"]) and data["machine"]["python"]


@pytest.mark.parametrize("key", ROWS)
def test_row_has_numbers(report, key):
    row = report[0]["rows"][key]
    assert row["tables"], f"row {key!r} has no table"
    for table in row["tables"]:
        measured = [e for e in table["entries"] if e["values"]]
        assert len(measured) >= 2, f"row {key!r}, {table['title']!r}: fewer than two figures: {table['entries']}"
        for entry in measured:
            where = f"row {key!r}, {table['title']!r}, {entry['name']!r}"
            assert all(number(v) and v >= 0 for v in entry["values"]), f"{where}: {entry['values']}"
            assert all(number(entry["value"][k]) for k in ("median", "min", "max")), where
            if entry["ratios"]:
                assert all(number(r) for r in entry["ratios"]), f"{where}: {entry['ratios']}"
        # The baseline (the first entry) and at least one contender have ratios.
        assert table["entries"][0]["ratios"], f"row {key!r}: the baseline has no ratio"
        assert sum(1 for e in table["entries"] if e["ratios"]) >= 2, f"row {key!r}: no ratio to compare"
