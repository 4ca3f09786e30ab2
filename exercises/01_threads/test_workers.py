"""Tests for 01_threads. Run them with:  pytest exercises/01_threads

The jobs the tests hand to your threads report which thread they ran in, and the
slow ones wait on an Event the test opens, so "did it wait?" and "did it run in a
new thread?" have exact answers. The daemon tests start a child Python, because
only an interpreter that is exiting can show which threads hold it open.
"""

import collections
import os
import subprocess
import sys
import threading
import time

import pytest

from kata import Call, finishes_within, implementation, timing

workers = implementation("workers")

# Every bound is a kata.timing name: SOON for what a right answer does at once with a few
# threads, HOLD_LIMIT for the jobs the test holds until it lets them go, CHILD_READY_BOOTED
# for a child Python's start-up. Not bounds, but what the give-up test measures:
GIVE_UP_AFTER = (0.1, 0.5)  # run_workers' timeout in the give-up test: a second try if busy

# The names Python 2 used (currentThread, activeCount, setDaemon, getName, ...) still
# exist but warn that they are deprecated: here, a warning from your module is an error.
pytestmark = pytest.mark.filterwarnings("error::DeprecationWarning:workers")

RUN_NOT_START = (
    "run() calls the thread's function right here, in the thread that calls it; only "
    "start() makes a new thread (which then calls run()). The same happens with "
    "Thread(target=function(*args)): that calls the function while building the "
    "Thread. Pass the function itself: Thread(target=function, args=args)."
)


def test_each_worker_runs_in_its_own_thread_named_after_its_job():
    def report(a, b):
        return threading.current_thread().name, threading.get_ident(), a + b

    jobs = {"alpha": (report, (1, 2)), "beta": (report, (10, 20))}
    caller, results = finishes_within(
        timing.SOON, lambda: (threading.get_ident(), workers.run_workers(jobs, timing.SOON))
    )
    assert isinstance(results, dict) and set(results) == {"alpha", "beta"}, (
        f"run_workers returned {results!r}; expected a dict with a result for each job, "
        "'alpha' and 'beta'"
    )
    for name, result in results.items():
        assert isinstance(result, tuple), (
            f"the result for {name!r} is {result!r}, not what the job returned. A Thread "
            "throws away what its target returns: the target must keep the value somewhere "
            "(a dict both sides can see) for run_workers to return it."
        )
        thread_name, ident, total = result
        assert ident != caller, f"job {name!r} ran in the thread that called run_workers. " + RUN_NOT_START
        assert thread_name == name, (
            f"job {name!r} ran in a thread named {thread_name!r}: name each thread after "
            "its job, Thread(..., name=name)"
        )
    assert results["alpha"][2] == 3 and results["beta"][2] == 30, (
        "each job must be called with its own args: alpha(1, 2) returns a sum of 3 and "
        f"beta(10, 20) of 30; they returned {results['alpha'][2]} and {results['beta'][2]}"
    )
    left = [t.name for t in threading.enumerate() if t.name in jobs]
    assert not left, (
        f"run_workers returned while the threads of {left} were still alive: join every "
        "worker before returning"
    )
    nothing = finishes_within(timing.SOON, workers.run_workers, {}, timing.SOON, explain="there are no jobs")
    assert type(nothing) is dict and nothing == {}, (
        f"run_workers({{}}, ...) returned {nothing!r}: with no jobs there is nothing to run "
        "or wait for, and the result is an empty dict"
    )


def test_run_workers_starts_every_worker_then_waits_for_them_all():
    count = 3
    gate = threading.Event()  # the test opens it once every job is running
    changed = threading.Condition()
    running = []  # (job index, thread ident) of each job that has started

    def job(index):
        with changed:
            running.append((index, threading.get_ident()))
            changed.notify_all()
        gate.wait(timing.HOLD_LIMIT)  # opened by the test as soon as it has seen what it needs
        return index * 10

    def in_caller():
        return any(ident == call.thread.ident for _, ident in running)

    jobs = {f"job-{i}": (job, (i,)) for i in range(count)}
    # run_workers may wait far longer than the test waits for the jobs to start.
    call = Call(workers.run_workers, jobs, timing.HOLD_LIMIT, name="calling run_workers", changed=changed)
    try:
        with changed:
            changed.wait_for(lambda: len(running) == count or call.done or in_caller(), timing.SOON)
            started, returned, ran_in_caller = len(running), call.done, in_caller()
        if returned and isinstance(call.error, NotImplementedError):
            raise call.error
        assert not returned, (
            f"run_workers {f'raised {call.error!r}' if call.error else f'returned {call.value!r}'} "
            f"while {started} of its {count} workers were still running (each waits for "
            "the test to let it finish). A function that starts threads must join() them "
            "before it uses their results: until then their results do not exist yet."
        )
        assert not ran_in_caller, "a job ran in the thread that called run_workers. " + RUN_NOT_START
        assert started == count, (
            f"only {started} of {count} jobs had started after {timing.SOON:g} s, while the first "
            "was still running: the workers ran one at a time, as if start() and join() "
            "were called together for each thread. Start them all first, then join them "
            "all: joining makes the caller wait, it does not make the threads pointless."
        )
    finally:
        gate.set()
    results = call.finish(
        timing.SOON, "run_workers", "Its workers had all been let go and had ended: join them, then return."
    )
    expected = {f"job-{i}": i * 10 for i in range(count)}
    assert results == expected, (
        f"run_workers returned {results!r}; expected every job's result: {expected}. A "
        "result is missing when run_workers returns before that worker has finished: "
        "join every thread before reading the results."
    )


STUCK = ("stuck-1", "stuck-2", "stuck-3")  # jobs that end only when the test lets them


def test_run_workers_gives_up_at_its_timeout_and_names_who_is_still_running():
    # timeout=0 means "do not wait", not "wait for ever": both workers are stuck.
    names, _, _ = _run_with_stuck_workers(0, STUCK[:2], quick=False)
    assert sorted(names) == list(STUCK[:2]), (
        f"run_workers(jobs, timeout=0) named {names!r} as still running; both jobs were "
        f"stuck: expected {list(STUCK[:2])}"
    )
    # Three stuck workers and a quick one. A short timeout keeps the test quick; only if
    # the machine was too busy for a clean run is it repeated with a longer one.
    for timeout in GIVE_UP_AFTER:
        names, took, quick_was_done = _run_with_stuck_workers(timeout, STUCK)
        if quick_was_done and "quick" not in names and took < 2 * timeout:
            break
    assert sorted(names) == list(STUCK), (
        f"StillRunning names {names!r}; {', '.join(STUCK)} were still running and 'quick' "
        "returned at once: list exactly the threads whose is_alive() is still True"
    )
    assert took >= 0.9 * timeout, (
        f"run_workers(jobs, timeout={timeout}) gave up after {took:.3f} s, before its "
        "timeout was over: join each thread with what is left of the timeout, and only "
        "then ask which ones are still alive"
    )
    assert took < 2 * timeout, (
        f"run_workers(jobs, timeout={timeout}) took {took:.2f} s to give up on "
        f"{len(STUCK)} stuck workers: about {took / timeout:.1f} timeouts, one per stuck "
        "worker. The timeout is for the whole wait, not for each join: compute one "
        "deadline = time.monotonic() + timeout before the first join, and give each "
        "join(max(0, deadline - time.monotonic()))."
    )


def _run_with_stuck_workers(timeout: float, stuck: tuple, quick: bool = True) -> tuple[list, float, bool]:
    """run_workers({'quick'?, *stuck}, timeout): (the names StillRunning gave, how long the
    call took, whether 'quick' had returned by then). Fails the test unless StillRunning
    is raised in time."""
    release, quick_done = threading.Event(), threading.Event()

    def quick_job():
        quick_done.set()
        return "done"

    # Each stuck job ends when the test releases it, after run_workers is done (or stuck).
    jobs = {"quick": (quick_job, ())} if quick else {}
    jobs.update({name: (release.wait, (timing.HOLD_LIMIT,)) for name in stuck})

    def timed():
        started = time.monotonic()
        try:
            return workers.run_workers(jobs, timeout), None
        except Exception as exc:
            if isinstance(exc, NotImplementedError) or not _is_still_running(exc):
                raise
            return exc, time.monotonic() - started

    try:
        outcome, took = finishes_within(
            timing.SOON + len(stuck) * timeout,
            timed,
            explain=(
                f"run_workers(jobs, timeout={timeout}) is still waiting for {len(stuck)} "
                "stuck workers, which never end on their own: join(timeout) waits at most "
                "that long, a plain join() waits forever (and so does join(None))."
                + (" A timeout of 0 means: do not wait at all (join(0)); 'if timeout:' "
                   "treats 0 as no timeout." if timeout == 0 else "")
            ),
        )
        if took is None:
            pytest.fail(
                f"run_workers returned {outcome!r} while {', '.join(stuck)} were still "
                "running (they wait for the test to let them finish, after run_workers is "
                "done). A function that starts threads must join() them before it returns "
                "their results. And join(timeout) returns None whether the thread ended or "
                "the time ran out: ask thread.is_alive() afterwards, and raise StillRunning "
                "for those alive.",
                pytrace=False,
            )
        names = outcome.names
        assert isinstance(names, (list, tuple)) and all(type(n) is str for n in names), (
            f"StillRunning.names is {names!r}: it should list the names (strings) of the "
            "threads still running"
        )
        return list(names), took, quick_done.is_set()
    finally:
        release.set()
        for thread in threading.enumerate():
            if thread.name in stuck:
                thread.join(timing.SOON)


def _is_still_running(exc: BaseException) -> bool:
    still_running = workers.StillRunning
    return isinstance(still_running, type) and isinstance(exc, still_running)


def test_worker_subclass_runs_its_function_in_its_own_thread():
    seen = {}

    def multiply(a, b):
        seen["thread"] = threading.current_thread()
        return a * b

    worker = workers.Worker("multiplier", multiply, 6, 7)
    assert isinstance(worker, threading.Thread), "Worker should subclass threading.Thread"
    assert worker.name == "multiplier", (
        f"Worker('multiplier', ...) is named {worker.name!r}: pass the name on to "
        "Thread.__init__ (super().__init__(name=name))"
    )
    assert worker.result is None and worker.error is None, "result and error start as None"
    worker.start()
    assert seen.get("thread") is not threading.current_thread(), (
        "multiply ran in the thread that called start(), before start() returned: override "
        "run(), not start(). Thread.start() makes the new thread, and the new thread calls run()."
    )
    worker.join(timing.SOON)
    assert not worker.is_alive(), f"the worker was still running {timing.SOON:g} s after start()"
    assert seen.get("thread") is worker, (
        f"multiply ran in {seen.get('thread')!r}, not in the worker thread: start() calls "
        "run() in the new thread, so run() is where fn(*args) belongs"
    )
    assert worker.result == 42, (
        f"multiply(6, 7) returned 42 but worker.result is {worker.result!r}: run() should "
        "keep what fn returned in self.result"
    )


def test_worker_keeps_the_exception_its_function_raised():
    problem = ValueError("no luck")

    def fail():
        raise problem

    worker = workers.Worker("failing", fail)
    worker.start()
    worker.join(timing.SOON)
    assert not worker.is_alive(), f"the worker was still running {timing.SOON:g} s after start()"
    assert worker.error is problem and worker.result is None, (
        f"fn raised {problem!r}; worker.error is {worker.error!r} and worker.result is "
        f"{worker.result!r}. An exception that ends a thread does not reach the thread "
        "that joins it: Python hands it to threading.excepthook, which prints it, and "
        "join() returns as if all went well. Catch it in run() and keep it in self.error."
    )


def test_census_sees_every_thread_of_the_process_from_the_caller():
    gone = threading.Thread(target=int, name="census-gone", daemon=True)
    gone.start()
    gone.join(timing.SOON)  # it has ended: it is no longer alive
    hold = threading.Event()
    others = [
        threading.Thread(target=hold.wait, args=(timing.HOLD_LIMIT,), name=f"census-{x}", daemon=True)
        for x in "ab"
    ]
    for thread in others:
        thread.start()
    try:
        asker, answer = finishes_within(
            timing.SOON, lambda: (threading.current_thread().name, workers.census())
        )
    finally:
        hold.set()
        for thread in others:
            thread.join(timing.SOON)
    assert type(answer) is tuple and len(answer) == 3, (
        f"census() returned {answer!r}: expected a tuple (caller's name, names, count)"
    )
    caller, names, count = answer
    assert type(caller) is str and type(names) is list and type(count) is int, (
        f"census() returned ({caller!r}, {names!r}, {count!r}); expected (a str, a list of "
        "str, an int)"
    )
    assert caller == asker, (
        f"census() was called from thread {asker!r} but says the caller is {caller!r}: "
        "threading.current_thread() is the thread running the call; main_thread() is "
        "always the one the program started with"
    )
    expected = {"MainThread", "census-a", "census-b", asker}
    assert expected <= set(names), (
        f"census() lists {sorted(names)}; it misses {sorted(expected - set(names))}. "
        "threading.enumerate() gives every thread alive now, the main and calling "
        "threads included"
    )
    assert "census-gone" not in names, (
        f"census() lists 'census-gone', a thread that had already ended: list only the "
        "threads alive now (threading.enumerate())"
    )
    assert count == len(names), (
        f"census() counts {count} threads but names {len(names)}: threading.active_count() "
        "counts the same threads enumerate() lists, the main thread included"
    )


# --- daemon and non-daemon threads, seen from a child interpreter ----------------------

CHILD = """\
import atexit, os, sys, threading, traceback
sys.path.insert(0, {folder!r})
import workers

print("calling start_waiter", flush=True)  # started: the clock for start_waiter runs from here
try:
    waiter = workers.start_waiter(daemon={daemon})
except BaseException:
    traceback.print_exc()
    sys.stderr.flush()
    os._exit(1)  # at once, even if a non-daemon thread was started
if not isinstance(waiter, threading.Thread):
    print("start_waiter returned", repr(waiter), "which is not a threading.Thread", flush=True)
    os._exit(2)
print("returned:", waiter.name, "is", "alive" if waiter.is_alive() else "not alive", flush=True)
# atexit functions run after Python has waited for the non-daemon threads.
atexit.register(lambda: print("exiting; waiter", "alive" if waiter.is_alive() else "ended", flush=True))
print("main done;", waiter.name, "is a", "daemon" if waiter.daemon is True else "non-daemon" if waiter.daemon is False else repr(waiter.daemon), "thread", flush=True)
"""


STARTED = "calling start_waiter"  # the child's first line: it has started, imported your module


class Child:
    """A child Python running CHILD, with its stdin and merged stdout/stderr as pipes."""

    def __init__(self, daemon):
        module = sys.modules[workers.start_waiter.__module__]  # the module under test
        self.module_file = module.__file__
        code = CHILD.format(folder=os.path.dirname(module.__file__), daemon=daemon)
        self.process = subprocess.Popen(
            [sys.executable, "-W", "error::DeprecationWarning:workers", "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.output = b""
        self.eof = False
        # A thread reads the child's output as it comes: select() cannot wait on a pipe
        # everywhere (Windows' takes sockets only), a blocking read in a thread can.
        self._arrived = threading.Condition()
        self._reader = threading.Thread(target=self._read, name="reading the child's output", daemon=True)
        self._reader.start()

    def _read(self):
        fd = self.process.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # closed under it: nothing more will come
                chunk = b""
            with self._arrived:
                self.output += chunk
                self.eof = not chunk
                self._arrived.notify_all()
            if not chunk:
                return

    def read_until(self, text, seconds):
        """Wait until a whole line of output holds `text` (None: until the output ends),
        for at most `seconds`; return all output so far."""
        with self._arrived:
            self._arrived.wait_for(lambda: self.eof or (text is not None and self._has_line(text)), seconds)
        return self.text()

    def _has_line(self, text):
        at = self.output.find(text.encode())
        return at >= 0 and b"\n" in self.output[at:]

    def run_main(self):
        """Wait for the child's main code to end: its start-up first (a fresh interpreter,
        bounded by CHILD_READY_BOOTED, over at once if it dies), then start_waiter(), which
        should return at once. Returns the output so far."""
        self.read_until(STARTED, timing.CHILD_READY_BOOTED)
        if self._has_line(STARTED):
            self.read_until("main done", timing.SOON)
        return self.text()

    def exited_within(self, seconds):
        deadline = time.monotonic() + seconds
        self.read_until(None, seconds)  # a child that exits closes its output
        try:
            self.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        return self.process.poll() is not None

    def text(self):
        return self.output.decode(errors="replace")

    def check_started(self, daemon):
        """Fail the test, saying why, if the child did not get past start_waiter()."""
        output = self.text()
        if "not a threading.Thread" in output:
            pytest.fail(
                f"start_waiter(daemon={daemon}) should return the thread it started; the "
                f"child printed:\n{output}",
                pytrace=False,
            )
        if "main done" in output:
            assert "returned: waiter is alive" in output, (
                f"start_waiter(daemon={daemon}) should return a started thread named "
                "'waiter' (Thread(..., name=\"waiter\")), still waiting for its line; the "
                f"child printed:\n{output}"
            )
            return output
        if "Traceback" in output:
            if output.strip().splitlines()[-1].startswith("NotImplementedError"):
                pytest.fail(
                    f"TODO: start_waiter() in {os.path.relpath(self.module_file)} is not written "
                    "yet (it raises NotImplementedError).",
                    pytrace=False,
                )
            pytest.fail(f"start_waiter(daemon={daemon}) failed in the child Python:\n{output}", pytrace=False)
        if STARTED not in output:
            pytest.fail(
                f"the child Python had not started within {timing.CHILD_READY_BOOTED:g} s (it "
                f"imports your module first, then calls start_waiter). It printed:\n{output}",
                pytrace=False,
            )
        pytest.fail(
            f"the child Python never got past start_waiter(daemon={daemon}): it should start "
            f"the thread and return at once, not wait for it. The child printed:\n{output}",
            pytrace=False,
        )

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdin.close()
        self._reader.join(timing.AT_ONCE)  # the child is gone: its output has ended
        self.process.stdout.close()


def test_a_daemon_thread_does_not_keep_the_interpreter_alive():
    child = Child(daemon=True)
    try:
        child.run_main()
        child.check_started(daemon=True)
        # The waiter blocks on stdin, which stays open: it never gets its line.
        exited = child.exited_within(timing.SOON)
        output = child.text()
        assert exited, (
            f"the child's main code had ended, yet {timing.SOON:g} s later it was still running, "
            "held open by the waiter blocked on its stdin: that thread was not a daemon. "
            "Python exits when no non-daemon threads are left; pass daemon=True to "
            f"Thread() (before start()). The child printed:\n{output}"
        )
        assert "is a daemon thread" in output and "exiting; waiter alive" in output, (
            f"expected a daemon thread still blocked when Python exited; the child printed:\n{output}"
        )
        assert child.process.returncode == 0, f"the child failed:\n{output}"
    finally:
        child.kill()


def test_a_non_daemon_thread_keeps_the_interpreter_alive_until_it_ends():
    child = Child(daemon=False)
    try:
        child.run_main()
        output = child.check_started(daemon=False)
        assert "is a non-daemon thread" in output, (
            "start_waiter(daemon=False) returned a daemon thread: nothing would wait for "
            f"it when the program ends. The child printed:\n{output}"
        )
        assert child.process.poll() is None and "exiting" not in output, (
            "the child's main code ended and the child exited at once, although its "
            f"waiter thread had not got its line yet. The child printed:\n{output}"
        )
        child.process.stdin.write(b"go on\n")  # the line the waiter is waiting for
        child.process.stdin.close()
        exited = child.exited_within(timing.SOON)
        output = child.text()
        assert exited and child.process.returncode == 0, (
            f"the waiter got its line, but the child did not exit cleanly within {timing.SOON:g} s "
            f"(exit status {child.process.poll()}). The child printed:\n{output}"
        )
        assert "exiting; waiter ended" in output, (
            "Python should have waited for the non-daemon waiter before exiting; the child "
            f"printed:\n{output}"
        )
    finally:
        child.kill()


# --- a profiler and a trace function for every new thread -----------------------------


@pytest.fixture
def hooks_restored():
    """Whatever a test installs as trace or profile function is gone after it."""
    saved = (sys.gettrace(), sys.getprofile(), threading.gettrace(), threading.getprofile())
    try:
        yield
    finally:
        sys.settrace(saved[0])
        sys.setprofile(saved[1])
        threading.settrace(saved[2])
        threading.setprofile(saved[3])


def outer():
    return inner() + 1


def inner():
    return len("x")  # a call to a built-in: a profiler hears 'c_call' and 'c_return' too


def catches():
    try:
        return {}["missing"]
    except KeyError:  # a local trace function hears an 'exception' event here
        return 0


def lines_of(fn) -> int:
    """How many 'line' events fn() makes, counted by the test's own tracer in a thread."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        count += event == "line"
        return local

    def run():
        sys.settrace(lambda frame, event, arg: local if frame.f_code is fn.__code__ else None)
        try:
            fn()
        finally:
            sys.settrace(None)

    run_in_thread("counting", run)
    return count


def three_lines():
    first = 1
    second = 2
    return first + second


def run_in_thread(name, fn):
    thread = threading.Thread(target=fn, name=name, daemon=True)
    thread.start()
    thread.join(timing.SOON)
    assert not thread.is_alive(), f"thread {name!r} did not finish within {timing.SOON:g} s"


def test_recording_calls_profiles_threads_started_in_the_block(hooks_restored):
    def previous_profiler(frame, event, arg):
        return None

    threading.setprofile(previous_profiler)
    calls = []
    with workers.recording_calls(calls):
        run_in_thread("profiled", outer)
    run_in_thread("after", outer)
    assert threading.getprofile() is previous_profiler, (
        f"after the block threading.getprofile() is {threading.getprofile()!r}, not the "
        "profiler installed before it: save threading.getprofile() first, and restore "
        "it when the block ends"
    )
    threading.setprofile(None)  # no profiler before the block: none after it either
    with pytest.raises(LookupError):  # the block may end by an exception too
        with workers.recording_calls(calls):
            run_in_thread("profiled-again", outer)
            raise LookupError("the block ends by an exception")
    assert threading.getprofile() is None, (
        f"no profiler was installed before the second block, which ended by an exception, "
        f"yet after it threading.getprofile() is {threading.getprofile()!r}: put back what "
        "was there before even when that is None (threading.setprofile(None)), and even "
        "when the block ends by an exception (try/finally around the yield)"
    )
    run_in_thread("after-again", outer)
    for name in ("profiled", "profiled-again"):
        seen = [function for thread, function in calls if thread == name]
        assert "outer" in seen and "inner" in seen, (
            f"a thread named {name!r}, started inside the block, called outer() and "
            f"inner(), but calls holds {calls[:8]!r}{' ...' if len(calls) > 8 else ''}. "
            "threading.setprofile installs the profiler in every thread started afterwards; "
            "sys.setprofile only in the thread that calls it. Record (thread name, "
            "frame.f_code.co_name) on each 'call' event."
        )
        assert seen.count("outer") == 1 and seen.count("inner") == 1 and seen.index("outer") < seen.index("inner"), (
            f"thread {name!r} called outer(), which called inner() (which calls len()); "
            f"its calls, in order, are {seen!r}. A profile function hears 'call' as a "
            "function starts, 'return' as it ends, and 'c_call', 'c_return' around each "
            "built-in: record only the 'call' events, so each call is recorded once, in "
            "the order the calls began."
        )
    assert all(type(c) is tuple and len(c) == 2 for c in calls), (
        f"calls holds {calls[:4]!r}: each entry should be a (thread name, function name) tuple"
    )
    here = threading.current_thread().name
    assert not [c for c in calls if c[0] in ("after", "after-again")], (
        "a thread started after the block was still profiled: put the previous "
        "profiler back when the block ends, even when it ends by an exception "
        "(try/finally around the yield)"
    )
    assert not [c for c in calls if c[0] == here], (
        f"the thread running the with block ({here!r}) was profiled too: "
        f"{[c for c in calls if c[0] == here][:4]!r}. Only threads started inside the block "
        "are to be profiled: threading.setprofile, not sys.setprofile."
    )


def test_counting_lines_traces_each_line_of_threads_started_in_the_block(hooks_restored):
    def previous_tracer(frame, event, arg):
        return None

    threading.settrace(previous_tracer)
    counts = collections.Counter()
    expected_catches = lines_of(catches)
    with pytest.raises(LookupError):
        with workers.counting_lines(counts):
            run_in_thread("traced", lambda: (three_lines(), catches()))
            raise LookupError("the block ends by an exception")
    run_in_thread("after", outer)
    mine = {"three_lines", "catches", "<lambda>", "run", "_delete", "outer", "inner"}
    elsewhere = sorted(set(counts) - mine)
    assert counts["three_lines"] == 3, (
        f"three_lines() runs 3 lines in a thread started inside the block; counts says "
        f"{counts['three_lines']}"
        + (
            f", and it counted lines of {', '.join(elsewhere[:5])}{' ...' if len(elsewhere) > 5 else ''}, "
            "which ran in the test's own thread. sys.settrace traces only the thread that "
            "calls it; threading.settrace installs the trace function in every thread "
            "started afterwards. "
            if elsewhere
            else ". "
        )
        + "The trace function is called with 'call' as each function starts; to receive "
        "that function's 'line' events it must return a local trace function (which "
        "returns itself each time). Count the 'line' events, not the 'call' events."
    )
    assert counts["catches"] == expected_catches, (
        f"catches() runs {expected_catches} lines, one of which raises a KeyError that it "
        f"catches; counts says {counts['catches']}. A local trace function hears 'line', "
        "'return' and 'exception' events: count only the 'line' events."
    )
    assert counts["outer"] == 0 and counts["inner"] == 0, (
        f"a thread started after the block was still traced (counts: {dict(counts)}): put "
        "the previous trace function back when the block ends, even when it ends by an "
        "exception (try/finally around the yield)"
    )
    assert threading.gettrace() is previous_tracer, (
        f"after the block threading.gettrace() is {threading.gettrace()!r}, not the trace "
        "function installed before it: save threading.gettrace() first, and restore it "
        "in a finally clause when the block ends"
    )
    threading.settrace(None)  # no trace function before the block: none after it either
    more = collections.Counter()
    with workers.counting_lines(more):  # and when the block ends normally
        run_in_thread("traced-again", outer)
    assert threading.gettrace() is None, (
        f"no trace function was installed before the second block, yet after it "
        f"threading.gettrace() is {threading.gettrace()!r}: put back what was there before "
        "even when that is None (threading.settrace(None))"
    )
    run_in_thread("after-again", three_lines)
    assert more["outer"] == 1 and more["inner"] == 1 and more["three_lines"] == 0, (
        "in a second block, a thread ran outer() and inner() (one line each), and after "
        f"the block another thread ran three_lines(); counts says {dict(more)}. Only threads "
        "started inside the block are traced."
    )
