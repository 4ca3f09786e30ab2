"""The simulation switch (KATA_SIMULATE), checked from outside.

(a) kata.platform's answers under each simulation, and that the facilities are gone in
the interpreters such a run starts too (a plain subprocess, a spawned multiprocessing
child): only then does a simulated run prove anything about macOS or Windows.
(b) one process exercise and one thread exercise under each simulation: their solutions
pass and their stubs fail, as on Linux.
(c) the time limit without SIGALRM (Windows): the watchdog thread reports and stops a
deadlock, an endless loop and code that swallows every interruption.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from pathlib import Path

from kata import manifest, runner, simulation

pytestmark = pytest.mark.timeout(200)

# The simulation takes facilities away on Linux only; on a real macOS or Windows (the
# GitHub workflow) the real system is what these tests check.
ON_LINUX = sys.platform.startswith("linux")
SIMULATIONS = simulation.SYSTEMS if ON_LINUX else ()
SYSTEMS = (None, *SIMULATIONS)  # None: the real system (Linux here)

# What a program sees, asked without kata: the raw facilities, one expression each.
RAW_PROBES = {
    "sigalrm": "hasattr(signal, 'SIGALRM') and hasattr(signal, 'setitimer')",
    "sigkill": "hasattr(signal, 'SIGKILL')",
    "fork": "hasattr(os, 'fork')",
    "setsid": "hasattr(os, 'setsid')",
    "killpg": "hasattr(os, 'killpg')",
    "af_unix": "hasattr(socket, 'AF_UNIX')",
    "epoll": "hasattr(select, 'epoll')",
    "thread_cpu_clock": "hasattr(time, 'pthread_getcpuclockid')",
    "default_start_method": "multiprocessing.get_start_method()",
    "start_methods": "multiprocessing.get_all_start_methods()",
}
RAW_IMPORTS = "import multiprocessing, os, select, signal, socket, time"

# system -> facility -> its answer (kata.platform.describe()'s names)
EXPECTED = {
    "macos": {
        "system": "macos", "proc": False, "epoll": False, "thread_cpu_clock": False,
        "tiocoutq": False, "queue_qsize": False, "subreaper": False,
        "default_start_method": "spawn", "fork": True, "sigalrm": True, "sigkill": True,
        "killpg": True, "setsid": True, "af_unix": True, "select_on_pipes": True,
        "pass_fds": True, "fcntl": True, "resource": True, "termios": True,
    },
    "windows": {
        "system": "windows", "proc": False, "epoll": False, "thread_cpu_clock": False,
        "tiocoutq": False, "subreaper": False, "default_start_method": "spawn",
        "start_methods": ["spawn"], "fork": False, "sigalrm": False, "sigkill": False,
        "killpg": False, "setsid": False, "af_unix": False, "select_on_pipes": False,
        "select_limit": 512, "pass_fds": False, "fcntl": False, "resource": False,
        "termios": False, "open_files_limit": None,
    },
}  # fmt: skip

# Run under the simulation, with kata.platform imported first (as the plugin does): its
# own answers, then the raw facilities in a plain subprocess and in a spawned child,
# neither of which imports kata (they get the simulation from sitecustomize).
SCRIPT = f"""
import json, multiprocessing, subprocess, sys
from kata import platform
RAW = {RAW_PROBES!r}
probe = "{RAW_IMPORTS}; import json; print(json.dumps({{k: eval(v) for k, v in %r.items()}}))" % RAW
child = json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout)
blocked = subprocess.run([sys.executable, "-c", "import fcntl"], capture_output=True).returncode != 0
with multiprocessing.get_context("spawn").Pool(1) as pool:
    spawned = pool.apply(eval, ("__import__('signal').__dict__.get('SIGKILL') is not None",))
print(json.dumps(dict(platform=platform.describe(), child=child, fcntl_blocked=blocked, spawned_sigkill=spawned)))
"""


def simulated(system: str | None, script: str = SCRIPT, timeout: float = 120) -> dict:
    """What `script` prints (one JSON document), run in a fresh interpreter simulating `system`."""
    env = simulation.child_environment(dict(os.environ), system)
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout,
        cwd=manifest.REPO_ROOT, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


@pytest.mark.parametrize("system", SYSTEMS, ids=lambda s: s or "real")
def test_platform_answers_and_children_see_the_same(system):
    seen = simulated(system)
    answers, child = seen["platform"], seen["child"]
    if system is None:
        assert answers["simulated"] is None
        if ON_LINUX:
            assert answers["system"] == "linux"
            assert answers["proc"] and answers["sigalrm"] and answers["fork"] and answers["epoll"]
    else:
        wrong = {k: (answers[k], v) for k, v in EXPECTED[system].items() if answers[k] != v}
        assert not wrong, f"kata.platform under KATA_SIMULATE={system}: (said, expected) {wrong}"
        if system == "macos":
            assert answers["open_files_limit"] <= simulation.MACOS_OPEN_FILES
    # A child that never imports kata sees what kata.platform says this system has.
    for name in RAW_PROBES:
        assert child[name] == answers[name], f"{name}: kata.platform says {answers[name]!r}, a child sees {child[name]!r}"
    assert seen["spawned_sigkill"] == answers["sigkill"], "a spawned multiprocessing child disagrees about SIGKILL"
    assert seen["fcntl_blocked"] == (not answers["fcntl"]), "`import fcntl` in a child"


THREADS, PROCESSES = "03_locks", "06_queues"


def _exercise(exercise_id: str) -> manifest.Exercise:
    return next(e for e in manifest.exercises() if e.id == exercise_id)


BROKEN = Path(__file__).parent / "broken"
# tests/broken case -> what the output must say (as in test_harness.CASES)
WITHOUT_SIGALRM = {
    "deadlock": "did not finish within 2 s",
    "loop_in_call": "did not finish within 2 s",
    "swallows_everything": "Timeout",
}


def planned_run(item, scratch):
    if item.originalname == "test_the_watchdog_stops_a_test_without_sigalrm":
        case = item.callspec.params["case"]
        target = runner.stage(_exercise(THREADS), BROKEN / f"{case}.py", scratch / "simulated-broken" / case)
        return ("simulated-broken", case), lambda: runner.run_exercise(
            _exercise(THREADS), target, extra_args=("-o", "timeout=2"), wall_seconds=90, simulate="windows"
        )
    if item.originalname != "test_an_exercise_under_simulation":
        return None
    params = item.callspec.params
    exercise, system, target = _exercise(params["exercise_id"]), params["system"], params["target"]

    def run():
        # -v undoes the runner's -q, so that the header (which names the simulation) shows
        return runner.run_exercise(exercise, target, extra_args=("-v",), wall_seconds=150, simulate=system)

    return ("simulated", exercise.id, system, target), run


@pytest.mark.parametrize("target", ("solutions", "exercises"))
@pytest.mark.parametrize("system", SIMULATIONS)
@pytest.mark.parametrize("exercise_id", (PROCESSES, THREADS))
def test_an_exercise_under_simulation(exercise_id, system, target, runs):
    run = runs.result(("simulated", exercise_id, system, target))
    names = set(runner.test_names(_exercise(exercise_id)))
    assert f"simulating {system}" in run.output, "the run's header should say what it simulates"
    if target == "solutions":
        assert run.returncode == 0 and run.passed() == names, (
            f"{exercise_id}'s solution under KATA_SIMULATE={system}: failed {sorted(names - run.passed())}\n{run.output[-4000:]}"
        )
    else:
        assert run.returncode == 1 and not run.passed() and run.failed() == names, (
            f"{exercise_id}'s stub under KATA_SIMULATE={system}: passed {sorted(run.passed())}\n{run.output[-4000:]}"
        )


@pytest.mark.parametrize("case", sorted(WITHOUT_SIGALRM))
def test_the_watchdog_stops_a_test_without_sigalrm(case, runs):
    run = runs.result(("simulated-broken", case))
    assert run.returncode == 1 and not run.passed(), f"exit status {run.returncode}:\n{run.output[-4000:]}"
    assert WITHOUT_SIGALRM[case] in run.output, run.output[-4000:]
    assert run.seconds < 45, f"took {run.seconds:.1f} s"


# Where one thread's wake-ups cannot be read (no /proc), the idle checks of 04 and of the
# echo servers count the whole process's: a helper thread that naps 50 times must show.
COUNTING = """
import json, threading, time
from kata import platform
def nap():
    for _ in range(50):
        time.sleep(0.001)
before = platform.context_switches()
helper = threading.Thread(target=nap)
helper.start()
helper.join()
after = platform.context_switches()
cpu = platform.thread_cpu_seconds(threading.get_native_id())
print(json.dumps(dict(woke=after - before, cpu=cpu, selector_limit=platform.selector_limit())))
"""


@pytest.mark.parametrize("system", SYSTEMS, ids=lambda s: s or "real")
def test_context_switches_count_every_thread(system):
    seen = simulated(system, COUNTING, timeout=60)
    assert seen["woke"] >= 50, f"a thread napped 50 times; the process's count grew by {seen['woke']}"
    assert isinstance(seen["cpu"], float) and seen["cpu"] > 0, f"the main thread's CPU time: {seen['cpu']!r}"
    windows = system == "windows" or (system is None and sys.platform == "win32")
    assert seen["selector_limit"] == (512 if windows else None)
