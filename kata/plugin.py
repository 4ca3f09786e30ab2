"""The kata's pytest plugin, loaded by the repository's conftest.py.

It chooses the implementations under test (--kata-target), the multiprocessing start
method (--start-method), guards each test against hangs, leaks and early exits, rewrites
failures into messages that teach, and prints each exercise's progress at the end.
"""

from __future__ import annotations

import collections
import gc
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

import pytest

# kata.platform first: under KATA_SIMULATE it removes the simulated system's missing
# facilities before the rest of the harness looks for them.
from kata import platform  # isort: skip
from kata import guard, manifest, messages, processes, signing, target, timeouts
from kata.progress import Progress, remember

START_METHODS = ("fork", "forkserver", "spawn")
CALL_FAILED = pytest.StashKey[bool]()


def pytest_addoption(parser):
    group = parser.getgroup("kata")
    group.addoption(
        "--kata-target",
        default=os.environ.get("KATA_TARGET", "exercises"),
        help="what to test: 'exercises' (your work, the default), 'solutions', or a folder "
        "laid out as NN_name/<module>.py. Env: KATA_TARGET.",
    )
    group.addoption(
        "--start-method",
        choices=START_METHODS,
        default=os.environ.get("KATA_START_METHOD") or None,
        help="multiprocessing start method for the whole run (default: the platform's). "
        "Env: KATA_START_METHOD.",
    )
    group.addoption(
        "--kata-report",
        metavar="PATH",
        default=None,
        help="also write every test's outcome and each exercise's progress as JSON to PATH.",
    )


class KataPlugin:
    def __init__(self, config):
        self.config = config
        self.progress = Progress()
        self.exitstatus = 0
        self.grade_key: bytes | None = None  # set when a grader runs us (kata.signing)
        # The watchdog writes to the real stderr, which pytest's capture does not replace.
        self.timer = timeouts.Timer(os.fdopen(os.dup(sys.__stderr__.fileno()), "w"))

    # --- set-up and tear-down of the run ------------------------------------------------

    def configure(self):
        config = self.config
        # Taken before anything under test is imported (that happens inside the tests).
        self.grade_key = signing.read_key_from_grader()
        target.activate(target.resolve(config.getoption("kata_target")))
        self._choose_timeout_method()
        method = config.getoption("start_method")
        if method and method not in platform.start_methods():
            raise pytest.UsageError(
                f"--start-method {method}: {platform.SYSTEM} offers {', '.join(platform.start_methods())}"
            )
        if method:
            multiprocessing.set_start_method(method, force=True)
            os.environ["KATA_START_METHOD"] = method
        guard.install()
        _children_skip_pytests_main()

    def _choose_timeout_method(self):
        """pytest-timeout's method, chosen here from what the system offers: setup.cfg
        cannot name one (`signal` is an INTERNALERROR where there is no SIGALRM).

        Unless the user asked for pytest-timeout's `thread` method (--timeout-method or
        an ini file), kata.timeouts stops every test: with SIGALRM where there is one,
        with its watchdog thread elsewhere.
        """
        config = self.config
        asked = config.getoption("timeout_method", None) or config.getini("timeout_method") or None
        self.timeout_method_asked = asked
        if asked is None and hasattr(config, "_env_timeout_method"):
            config._env_timeout_method = "signal" if platform.SIGALRM else "thread"

    @pytest.hookimpl
    def pytest_report_header(self, config):
        active = target.active()
        lines = [
            f"kata target: {active.label}",
            f"multiprocessing start method: {multiprocessing.get_start_method()}",
        ]
        if platform.SIMULATED:
            lines.append(f"kata: simulating {platform.SYSTEM} on Linux (KATA_SIMULATE={platform.SIMULATED})")
        return lines

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session, exitstatus):
        self.exitstatus = int(exitstatus)
        path = self.config.getoption("kata_report")
        about = dict(
            target=target.active().label,
            start_method=multiprocessing.get_start_method(),
            exitstatus=self.exitstatus,
        )
        if path and self.grade_key is not None:  # a grader's run: sign what it will trust
            signed = signing.signed(self.progress.payload(**about), self.grade_key)
            Path(path).write_text(json.dumps(signed))
        elif path:
            self.progress.write_json(Path(path), **about)
        else:  # a learner's own run: remember each exercise's latest result (python -m kata list)
            remember(self.progress.results.values(), target=target.active().label)

    def unconfigure(self):
        target.deactivate()
        # Last safety net: nothing the code under test started outlives the run, and
        # multiprocessing's exit handler, which joins every non-daemon child, cannot hang.
        leftovers = set(processes.descendants())
        if leftovers:
            processes.kill(leftovers)
        stuck = guard.stuck_non_daemon_threads()
        if stuck:
            # Python would wait for these threads forever before exiting. The run is over
            # and every report is written, so end the process now, with pytest's status.
            names = ", ".join(repr(t.name) for t in stuck)
            sys.stderr.write(
                f"kata: ending the run without waiting for stuck non-daemon threads: {names}\n"
            )
            sys.stdout.flush()
            sys.stderr.flush()
            processes.exit_now(self.exitstatus or 1)

    @pytest.hookimpl
    def pytest_collection_finish(self, session):
        # pytest's own objects (and the tests') live to the end of the run: out of the
        # collector's sight, the collection after each failure (_collect_garbage) looks only
        # at what the tests made, about 1 ms instead of 20 ms.
        gc.freeze()

    # --- the time limit ------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_timeout_set_timer(self, item, settings):
        if settings.method == "thread" and self.timeout_method_asked == "thread":
            return None  # the user asked for pytest-timeout's own thread method
        if not timeouts.can_time_this_thread():
            return None
        self.timer.start(settings.timeout)
        return True

    @pytest.hookimpl(tryfirst=True)
    def pytest_timeout_cancel_timer(self, item):
        if self.timer.armed:
            self.timer.cancel()
            return True
        return None

    @pytest.hookimpl
    def pytest_enter_pdb(self, config, pdb):
        self.timer.suspend()  # a learner at the pdb prompt is not a deadlock

    # --- one test ----------------------------------------------------------------------

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_setup(self, item):
        # Only an exercise's tests run a learner's code; the self-test in tests/ starts
        # pytest runs in the background on purpose, and they are not leaks.
        if manifest.exercise_of_test(item.path) is not None:
            guard.begin_test()
        return (yield)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_teardown(self, item, nextitem):
        try:
            return (yield)
        finally:
            self._check_leaks(item)

    def _check_leaks(self, item):
        watch = guard.end_test()
        if watch is None:
            return
        # The time limit must not cut the clean-up short: leftovers would outlive the run.
        self.timer.cancel()
        pools = guard.shut_open_pools(watch)
        segments = guard.unlink_segments(watch)
        sockets = guard.close_open_sockets(watch)
        guard.let_queues_go(watch)
        deadline = time.monotonic() + guard.GRACE_SECONDS
        threads = guard.leaked_threads(watch, deadline)
        processes = guard.leaked_processes(watch, deadline)  # killed, whatever the outcome
        if item.stash.get(CALL_FAILED, False) or not (pools or segments or sockets or threads or processes):
            return  # a failed test already has its report; its leftovers would be noise
        parts = ["The test passed, but left these behind after it ended:"]
        parts.extend(pools + segments + sockets)
        parts.extend(messages.thread_report(t) for t in threads)
        parts.extend(f"{p} (killed)" for p in processes)
        parts.append(
            "Every thread should be joined, every process joined, every Pool closed and "
            "joined (or left through its `with` block), every socket closed and every "
            "shared-memory segment unlinked before the work is done: a leftover keeps using the machine and can "
            "keep the program from exiting."
        )
        pytest.fail("\n".join(parts), pytrace=False)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        cleanup_errors = []
        if call.excinfo is not None:
            if messages.todo_line(call.excinfo.value):
                # A stub's TODO replaces the report below; spare pytest formatting the whole
                # traceback first (it re-reads every source file on the way: seconds for
                # asyncio's deep stacks).
                call.excinfo.traceback = call.excinfo.traceback[-1:]
            cleanup_errors = _collect_garbage()
        try:
            report = yield
        except Exception as failure:  # pytest could not format the learner's failure
            report = _plain_report(item, call, failure)
        if call.excinfo is not None:
            report.kata_error = call.excinfo.typename  # for the graders' JUnit failure type
        if cleanup_errors:
            report.sections.append(("kata: errors while objects were cleaned up", "\n".join(cleanup_errors)))
        if call.when == "call":
            self._explain(report, call)
            item.stash[CALL_FAILED] = report.failed
        elif call.when == "setup" and report.failed:
            item.stash[CALL_FAILED] = True
        return report

    def _explain(self, report, call):
        """Rewrite a call-phase report into one that teaches."""
        watch = guard.current()
        thread_errors = watch.thread_errors if watch else []
        exit_attempts = watch.exit_attempts if watch else []
        errors = [exc for _, exc in thread_errors]
        if call.excinfo is not None:
            errors.insert(0, call.excinfo.value)
        for exc in errors:  # a stub's NotImplementedError says it best
            todo = messages.todo_line(exc)
            if todo:
                report.outcome, report.longrepr = "failed", todo
                return
        if call.excinfo is not None:
            exc = call.excinfo.value
            if isinstance(exc, guard.ExitAttempt):
                report.longrepr = f"{exc.call} was called during the test.\n{messages.format_exception(exc)}\n{guard.EXIT_LESSON}"
            elif isinstance(exc, SystemExit):
                report.longrepr = f"SystemExit({exc.code!r}) was raised during the test (a call to sys.exit()?).\n{messages.format_exception(exc)}\n{guard.EXIT_LESSON}"
        extra = [f"{a} was called in a thread. {guard.EXIT_LESSON}" for a in exit_attempts if call.excinfo is None]
        extra += [
            f"An exception ended thread {name!r} during the test:\n{messages.format_exception(exc)}"
            for name, exc in thread_errors
        ]
        if extra:
            if report.passed:
                report.outcome, report.longrepr = "failed", "\n".join(extra)
            else:
                report.sections.append(("kata: in other threads", "\n".join(extra)))

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report):
        exercise = manifest.exercise_of_test(Path(self.config.rootpath, report.fspath))
        if exercise is not None:
            self.progress.record(report, exercise)

    @pytest.hookimpl
    def pytest_terminal_summary(self, terminalreporter):
        lines = self.progress.lines()
        if not lines:
            return
        terminalreporter.section(f"kata progress (target: {target.active().label})")
        for line in lines:
            terminalreporter.write_line(line)


def _collect_garbage() -> list[str]:
    """Free the learner's unreachable objects now, before pytest formats a failure.

    An object whose __del__ raises, freed by the collector while CPython 3.11 builds an
    AST (pytest parses source files to show a failure), ends the whole run with
    "SystemError: AST constructor recursion depth mismatch": the unraisable hook formats
    a traceback, which parses source again inside the first parse. Collected here, with
    the errors recorded rather than formatted, they are reported as plain lines.
    """
    errors: collections.Counter[str] = collections.Counter()

    def record(unraisable):
        try:
            where = repr(unraisable.object)
        except Exception:
            where = type(unraisable.object).__name__
        errors[f"{unraisable.exc_type.__name__}: {unraisable.exc_value} (in {where})"] += 1

    previous, sys.unraisablehook = sys.unraisablehook, record
    try:
        gc.collect()
    finally:
        sys.unraisablehook = previous
    return [line if times == 1 else f"{line}, {times} times" for line, times in errors.items()]


def _plain_report(item, call, failure: Exception) -> pytest.TestReport:
    """A failed report written without pytest's formatting, for when that formatting fails."""
    shown = call.excinfo.value if call.excinfo is not None else failure
    try:
        text = messages.format_exception(shown)
    except Exception:
        text = f"  {type(shown).__name__}: {shown}"
    longrepr = f"{text}\n(pytest could not show this failure in full: {type(failure).__name__}: {failure})"
    return pytest.TestReport(
        item.nodeid, item.location, {k: 1 for k in item.keywords}, "failed", longrepr,
        call.when, duration=call.duration, start=call.start, stop=call.stop,
        user_properties=item.user_properties,
    )  # fmt: skip


def _children_skip_pytests_main() -> None:
    """Spawned children do not run pytest's entry script again as their __main__.

    A spawn child re-imports the parent's __main__ (guarded by ``if __name__ ==
    "__main__"``) before it runs its target; in a test run that is pytest's entry point,
    which imports all of pytest: a few tenths of a second per child, seconds on a loaded
    machine. Nothing a child runs in a kata lives there: the learner's functions are in
    their module and the tests' child-side code in kata.probes.
    """
    from multiprocessing import spawn

    original = spawn.get_preparation_data

    def get_preparation_data(name):
        data = original(name)
        data.pop("init_main_from_name", None)
        data.pop("init_main_from_path", None)
        return data

    spawn.get_preparation_data = get_preparation_data


def pytest_configure(config):
    plugin = KataPlugin(config)
    plugin.configure()
    config.pluginmanager.register(plugin, "kata")
    config.stash[PLUGIN] = plugin


def pytest_unconfigure(config):
    plugin = config.stash.get(PLUGIN, None)
    if plugin is not None:
        plugin.unconfigure()


PLUGIN = pytest.StashKey[KataPlugin]()
