"""Tests for 12_gil. Run them with:  pytest exercises/12_gil

These tests never time your code to see a speed-up: on a busy machine a stopwatch lies.
They look at what really ran the work. Every task returns a record of the process and
thread that ran it and when it started and ended (kata.probes.gilwork), so a test can see
whether tasks ran in other processes or in threads of this one, and which ran at once.

Overlap is made certain, not hoped for. CPU-bound tasks running in worker processes wait
for each other at a rendezvous before they crunch, so two processes are always busy at
the same moment. I/O-bound tasks wait at a gate in this process until the test lets
them go, so the test counts how many wait at once, and chooses the order they finish in.
"""

import collections
import multiprocessing
import os
import pickle
import sys
import sysconfig
import threading
import time

import pytest

import kata.probes.gilwork as probe
import kata.timing as timing
from kata import Call, finishes_within, guard, implementation, messages

gilwork = implementation("gilwork")

# Every bound comes from kata.timing; the long one, for a worker process to start, is
# only waited out while a child process is alive (timing.ChildWatch).
NO_MORE = 0.3  # window: how long a test watches for one thread too many, or a call that ends too soon
# (cut to timing.GLIMPSE once nothing is left that could do it: see one_more_may_come, blocked_on_the_gate)
SIZE = 20_000  # the work of one Crunch: a few milliseconds of pure-Python arithmetic
LIMIT = 3 * timing.CHILD_READY_BOOTED  # the per-test limit of the tests that start processes

GIL = (
    "On CPython an interpreter has one GIL (global interpreter lock), and a thread must "
    "hold it to run Python bytecode. Threads of one process therefore take turns at "
    "CPU-bound work instead of running at once: 4 threads on 4 cores crunch about as "
    "fast as 1. Each worker process has an interpreter and a GIL of its own, so processes "
    "really do run at the same time, one per core."
)
IN_ORDER = (
    "Ask for the results in the order of the tasks: future.result() for each future in "
    "the order you submitted them, or executor.map / Pool.map. as_completed(), "
    "imap_unordered() or a results queue hand them over in the order they finish, which "
    "is not the order of the tasks."
)

PICKLE = (
    "A process pool sends each task to a worker as a pickle, and a function pickles by "
    "its module and its name: a lambda, or a function defined inside another function, "
    "has no name a worker could import, so it cannot be sent. The tasks given to you "
    "pickle fine as they are: hand them over directly, pool.submit(task), or map a "
    "module-level helper over them (def call(task): return task())."
)


# --- helpers ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _forkserver_booted():
    """Under forkserver, the server boots before the test watches your code (timing.warm_up)."""
    timing.warm_up()


def timeline(records, width=40):
    """Which task ran when, and in which process (and thread, in this one), as a picture."""
    records = sorted(records, key=lambda r: r.index)
    t0 = min(r.start for r in records)
    span = max(max(r.end for r in records) - t0, 1e-6)
    me = os.getpid()
    rows = []
    for r in records:
        a = min(width - 1, int((r.start - t0) / span * width))
        b = max(a + 1, round((r.end - t0) / span * width))
        who = f"this one, {r.thread_name}" if r.pid == me else f"pid {r.pid}"
        rows.append((f"  {r.index:>4}  {who[:36]:<36}  ", f"|{' ' * a}{'#' * (b - a)}{' ' * (width - b)}|"))
    end = f"{1000 * span:.0f} ms"
    header = f"{'  task  process':<{len(rows[0][0])}} 0 ms{end:>{width - 3}}"
    return "\n".join([header] + [left + bar for left, bar in rows])


def expect(condition, message):
    """Fail the test with `message` alone (no code listing) unless `condition` holds."""
    if not condition:
        pytest.fail(message, pytrace=False)


def check_records(results, count, what):
    """`results` must be a list with one Record per task."""
    expect(
        isinstance(results, list) and len(results) == count,
        f"{what} returned {results!r:.300}; expected a list of the {count} values the tasks "
        "returned, one per task"
    )
    wrong = [r for r in results if not isinstance(r, probe.Record)]
    if wrong:
        pytest.fail(
            f"{what} returned {wrong[0]!r:.200} among its results; each result should be "
            "what the task returned when called with no arguments: task()",
            pytrace=False,
        )


def fail_if_pickling(exc, what):
    """A task that could not be pickled to a worker gets a lesson, not a bare traceback."""
    said = f"{exc} {exc.__cause__ or ''}".lower()  # a worker's traceback comes as the cause
    if isinstance(exc, pickle.PicklingError) or "pickl" in said or "local object" in said:
        pytest.fail(
            f"{what} raised:\n{messages.format_exception(exc)}\n{PICKLE}", pytrace=False
        )


def finish_watched(running, what):
    """Join a call of run_cpu_bound or run_io_bound (a kata.Call); return what it returned.

    It may take up to timing.child_ready() while one of its worker processes is alive
    (starting, or working); blocked with none alive for timing.SOON, it never returns,
    and the test fails at once with where it is stuck.
    """
    watch = timing.join_while_children(running.thread)
    if running.thread.is_alive():
        guard.excuse(running.thread)
        headline = f"{what} has not returned, {watch.why()}: it is stuck. Where:"
        pytest.fail(messages.stuck_report(headline, [running.thread]), pytrace=False)
    return running.finish(0, what)


def raised_task_failed(fn, tasks, what, **kwargs):
    """Call fn(tasks); it must raise the TaskFailed that task 1 raised. Returns it."""
    error = None
    try:
        value = finish_watched(Call(fn, tasks, **kwargs, name=f"calling {what}"), what)
    except NotImplementedError:
        raise
    except Exception as exc:  # judged below, outside this except block
        error = exc
    if type(error) is probe.TaskFailed:
        expect("task 1" in str(error), f"{what} raised {error!r}: the exception of another task?")
        return error  # kept alive by the caller, with the frames its traceback holds
    if error is not None:
        fail_if_pickling(error, what)
        pytest.fail(
            f"task 1 raised TaskFailed('task 1 failed on purpose'), and {what} raised:\n"
            f"{messages.format_exception(error)}\nLet the task's own exception reach the "
            "caller, type and all: future.result() (and Pool.map) raises it again in the "
            "caller, even when it was raised in another process.",
            pytrace=False,
        )
    pytest.fail(
        f"task 1 raised TaskFailed, and {what} returned {value!r:.300} as if all was well. "
        "An exception in a task must reach the caller: don't catch it, and don't hand it "
        "back as a value. future.result() raises it for you.",
        pytrace=False,
    )


# --- CPU-bound work: processes ------------------------------------------------------------


OMITTED = object()  # crunch_in_processes: call run_cpu_bound without `workers`
CPUS = os.cpu_count() or 1


class NotingChildren:
    """fn, called through this, notes the child processes alive the moment it returns
    (``at_return``): a pool left to the garbage collector still has them then, though
    they may end a moment later."""

    def __init__(self, fn):
        self.fn = fn
        self.at_return = set()

    def __call__(self, *args, **kwargs):
        try:
            return self.fn(*args, **kwargs)
        finally:
            self.at_return = set(timing.live_children())


def crunch_in_processes(folder, count, workers=OMITTED):
    """run_cpu_bound(Crunch tasks, workers), watching the rendezvous as they start.

    Returns what it returned, and the child processes alive when it returned. Fails the test, with what the rendezvous saw, when the
    tasks never get two processes busy at once (one, on a machine with one CPU, when
    `workers` is left to its default).
    """
    me = os.getpid()
    folder.mkdir()
    meet = 2 if workers is not OMITTED else min(2, CPUS)
    said = f"workers={workers}" if workers is not OMITTED else f"workers left to its default, {CPUS} CPUs here"
    tasks = [probe.Crunch(i, me, str(folder), meet=meet, size=SIZE) for i in range(count)]
    args = (tasks,) if workers is OMITTED else (tasks, workers)
    call = NotingChildren(gilwork.run_cpu_bound)
    running = Call(call, *args, name="calling run_cpu_bound")
    watch = timing.ChildWatch()  # no task started yet: are worker processes booting?
    began = time.monotonic()
    first = None
    problem = None
    try:
        while running.thread.is_alive():
            now = time.monotonic()
            seen = probe.started(folder)
            if seen and first is None:
                first = now
                # Workers start together; the first one's start-up shows how slow a
                # process start is on this machine, now.
                patience = max(timing.SOON, 3 * (now - began))
                # A pool's processes all exist by the time its first task starts (made
                # with the pool, or as the tasks are submitted): one that has started no
                # task may still be booting; with none such, no second task is coming.
                others = timing.ChildWatch(patience, timing.AT_ONCE, ignore=lambda: seen)
            if len(seen) >= meet:
                break
            if first is not None and others.hopeless():
                [(pid, indexes)] = seen.items()
                problem = (
                    f"task {min(indexes)} started in worker process {pid} and waited for a "
                    f"task in a second process; none came within {now - first:.1f} s, with "
                    f"{said}. The tasks ran one at a time: hand every task to "
                    "the pool first (submit them all, or use map), then ask for the "
                    "results. A loop that submits one task and waits for its result "
                    "before submitting the next, or a pool of one process, gets no "
                    "parallelism from the processes it pays for."
                )
                break
            if first is None and watch.hopeless():
                if watch.since() >= watch.bound:
                    problem = (
                        f"no task had started in a worker process {watch.bound:g} s after "
                        "run_cpu_bound was called, and it has not returned."
                    )
                else:
                    problem = (
                        f"run_cpu_bound has not returned {watch.since():.1f} s after it was "
                        "called, no task has started in a worker process, and "
                        + ("its worker processes have ended" if watch.any_seen else "it has started no process")
                        + f" (none alive for {watch.grace:g} s): it is stuck, and no worker "
                        "will come to run the tasks."
                    )
                break
            running.thread.join(0.01)
        if problem is None:
            try:
                return finish_watched(running, f"run_cpu_bound({count} tasks, {said})"), call.at_return
            except Exception as exc:  # a task that could not be pickled gets its lesson
                fail_if_pickling(exc, "run_cpu_bound")
                raise
    finally:
        probe.abort(folder)  # lets any task still waiting at the rendezvous go on
        if problem is not None:
            running.thread.join(timing.SOON)
            if running.thread.is_alive():
                guard.excuse(running.thread)
    pytest.fail(problem, pytrace=False)


def threads_left(before):
    """Names of the threads started since `before` (a set) that are still alive, after
    giving them a moment to end: a pool's idle threads may take one to exit."""
    deadline = time.monotonic() + timing.AT_ONCE
    for thread in threading.enumerate():
        if thread not in before and not isinstance(thread, threading._DummyThread):
            thread.join(max(0.0, deadline - time.monotonic()))
    return [t.name for t in threading.enumerate() if t not in before and t.is_alive()]


def no_worker_process_left(before, what, alive=None):
    """Fail the test if processes started since `before` (a set) are still running, or
    were, among `alive` (those alive when the call returned), if given."""
    alive = set(multiprocessing.active_children()) if alive is None else alive
    left = sorted(p.pid for p in alive if p not in before)
    expect(
        not left,
        f"{what}, and its worker processes {left} were still running. Shut the pool down "
        "before returning, however the call ends: a `with ProcessPoolExecutor(...)` (or "
        "`with Pool(...)`) block does it on the way out, exception or not. A shutdown() "
        "on the line after the results is skipped when result() raises, and the "
        "traceback then keeps the pool and its processes alive."
    )


@pytest.mark.timeout(LIMIT)  # room for worker processes to start on a slow machine
def test_cpu_bound_tasks_run_in_worker_processes_at_the_same_time(tmp_path):
    count, workers = 5, 2
    before = set(multiprocessing.active_children())
    results, alive = crunch_in_processes(tmp_path / "rendezvous", count, workers)
    what = f"run_cpu_bound({count} tasks, workers={workers})"
    no_worker_process_left(before, f"{what} returned", alive)
    check_records(results, count, what)
    me = os.getpid()
    here = [r for r in results if r.pid == me]
    if here:
        threads = sorted({r.thread_name for r in here})
        how = (
            f"in {len(threads)} threads of this process ({', '.join(threads)})"
            if len(threads) > 1 or threads[0] != "calling run_cpu_bound"
            else "one after another, in the very thread that called run_cpu_bound"
        )
        pytest.fail(
            f"{len(here)} of the {count} CPU-bound tasks ran {how}, not in worker processes "
            f"(this process is pid {me}).\n{timeline(results)}\n{GIL} Run CPU-bound tasks "
            "in a ProcessPoolExecutor (or a multiprocessing.Pool). That holds on a "
            "free-threaded build too, where threads can run at once: this exercise is "
            "about work that must run in parallel on every CPython.",
            pytrace=False,
        )
    pids = sorted({r.pid for r in results})
    expect(
        len(pids) <= workers,
        f"{what} ran its tasks in {len(pids)} different processes ({pids}): at most "
        f"{workers} worker processes, each reused for task after task. A new process per "
        "task pays a process start-up (a new interpreter, its imports) for every task; "
        f"one pool of {workers} pays it {workers} times.\n{timeline(results)}"
    )
    order = [r.index for r in results]
    expect(
        order == list(range(count)),
        f"{what} returned the results of tasks {order}, not {list(range(count))}: out of "
        "order. The tasks were made to finish out of order (a later task's result arrives "
        f"first, see below). {IN_ORDER}\n{timeline(results)}"
    )
    expected = probe.crunch(SIZE)
    expect(all(r.value == expected for r in results), "the tasks' values were changed on the way")
    overlapping = [
        (a.index, b.index) for a in results for b in results
        if a.pid < b.pid and a.start < b.end and b.start < a.end
    ]  # fmt: skip
    expect(
        overlapping,
        "no two tasks in different processes ran at the same time: the processes took "
        f"turns.\n{timeline(results)}"
    )


@pytest.mark.timeout(LIMIT)
def test_a_failing_cpu_bound_task_raises_in_the_caller():
    me = os.getpid()
    tasks = [probe.Crunch(0, me), probe.Crunch(1, me, fail=True), probe.Crunch(2, me)]
    before = set(multiprocessing.active_children())
    error = raised_task_failed(gilwork.run_cpu_bound, tasks, "run_cpu_bound", workers=2)
    # Checked while the exception, and the frames its traceback holds, are still alive.
    no_worker_process_left(before, f"run_cpu_bound raised {error!r}")


@pytest.mark.timeout(LIMIT)
def test_cpu_bound_workers_default_to_one_process_per_cpu(tmp_path):
    count = 4
    before = set(multiprocessing.active_children())
    what = f"run_cpu_bound({count} tasks) (workers left to its default)"
    error = None
    try:
        results, alive = crunch_in_processes(tmp_path / "rendezvous", count)  # no `workers` argument
    except TypeError as exc:  # judged below, outside this except block
        error = exc
    if error is not None:
        pytest.fail(
            f"{what} raised:\n{messages.format_exception(error)}\nworkers=None is the "
            "default, and means one process per CPU: `workers or os.cpu_count()`, or hand "
            "None on to ProcessPoolExecutor(max_workers=None) or Pool(None), which count "
            "the CPUs themselves. min(None, ...) and None + 1 raise TypeError.",
            pytrace=False,
        )
    no_worker_process_left(before, f"{what} returned", alive)
    check_records(results, count, what)
    me = os.getpid()
    pids = sorted({r.pid for r in results})
    expect(
        me not in pids and len(pids) <= CPUS,
        f"{what} ran its tasks in the processes {pids} (this one is {me}): expected worker "
        f"processes, at most os.cpu_count() = {CPUS} of them. workers=None means one "
        "process per CPU: ProcessPoolExecutor(max_workers=None) and Pool(None) do that "
        f"themselves.\n{timeline(results)}"
    )
    order = [r.index for r in results]
    expect(order == list(range(count)), f"{what} returned the results of tasks {order}. {IN_ORDER}\n{timeline(results)}")


@pytest.mark.timeout(LIMIT)
def test_cpu_bound_workers_caps_the_processes(monkeypatch):
    count, workers = 4, 1
    me = os.getpid()
    started = []
    original_start = multiprocessing.process.BaseProcess.start

    def start(process):  # multiprocessing's own Process.start, watched (never your module)
        if os.getpid() == me:
            started.append(process)
        return original_start(process)

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", start)
    before = set(multiprocessing.active_children())
    what = f"run_cpu_bound({count} tasks, workers={workers})"
    tasks = [probe.Crunch(i, me, size=SIZE) for i in range(count)]
    call = NotingChildren(gilwork.run_cpu_bound)
    try:
        results = finish_watched(Call(call, tasks, workers, name="calling run_cpu_bound"), what)
    except Exception as exc:  # a task that could not be pickled gets its lesson
        fail_if_pickling(exc, what)
        raise
    monkeypatch.undo()
    no_worker_process_left(before, f"{what} returned", call.at_return)
    check_records(results, count, what)
    pids = sorted({r.pid for r in results})
    expect(
        me not in pids,
        f"{what} ran tasks in this process (pid {me}), not in a worker process.\n{timeline(results)}"
    )
    expect(
        len(started) <= workers and len(pids) <= workers,
        f"{what} started {len(started)} worker processes and ran its tasks in {len(pids)} "
        f"({pids}): workers={workers} allows {workers}. `workers` is the most processes the "
        "pool may have, whatever the machine: pass it on, ProcessPoolExecutor(max_workers=...) "
        "or Pool(processes=...). Left out, both make one process per CPU "
        f"({CPUS} here), and a caller who asked for one worker (to leave the other cores to "
        f"other work, or to save memory) gets {CPUS}.\n{timeline(results)}"
    )
    order = [r.index for r in results]
    expect(order == list(range(count)), f"{what} returned the results of tasks {order}. {IN_ORDER}")


def test_no_tasks_give_an_empty_list_at_once():
    processes_before = set(multiprocessing.active_children())
    threads_before = set(threading.enumerate())
    for name, args in (
        ("run_cpu_bound", ([],)),
        ("run_cpu_bound", ([], None)),
        ("run_cpu_bound", ([], 3)),
        ("run_io_bound", ([],)),
        ("run_io_bound", ([], 4)),
    ):
        fn = getattr(gilwork, name)
        what = f"{name}({', '.join(map(repr, args))})"
        error = None
        try:
            value = finishes_within(timing.SOON, fn, *args, explain=f"{what} never returned.")
        except (NotImplementedError, AssertionError):
            raise
        except Exception as exc:  # judged below, outside this except block
            error = exc
        if error is not None:
            pytest.fail(
                f"{what} raised:\n{messages.format_exception(error)}\nWith no tasks there is "
                "nothing to run: return [] (an empty list), before making a pool. A pool "
                "sized min(workers, len(tasks)) asks for 0 workers, and both executors "
                "refuse that with ValueError.",
                pytrace=False,
            )
        expect(type(value) is list and value == [], f"{what} returned {value!r:.200}; expected []")
    left = [p.pid for p in multiprocessing.active_children() if p not in processes_before]
    expect(not left, f"with no tasks, worker processes {left} were left running")
    threads = threads_left(threads_before)
    expect(not threads, f"with no tasks, threads {threads} were left running")


# --- I/O-bound work: threads --------------------------------------------------------------


def wait_at_gate(gate, running, count):
    """Wait until `count` tasks wait at the gate at once; return whether they did.

    Gives up early when the call has returned (nothing more will come), or when the
    first task has been waiting timing.AT_ONCE and the others have not all come.
    """
    deadline = time.monotonic() + timing.SOON
    while running.thread.is_alive() and time.monotonic() < deadline:
        if gate.wait_until(lambda g: len(g.inside) >= count, 0.01):
            return True
        if gate.timeline and deadline > time.monotonic() + timing.AT_ONCE:
            deadline = time.monotonic() + timing.AT_ONCE  # the first has come: the rest follow at once
    return gate.wait_until(lambda g: len(g.inside) >= count, 0)


def not_in_threads(results, what):
    """Fail the test if any task ran in another process."""
    me = os.getpid()
    away = sorted({r.pid for r in results if r.pid != me})
    if away:
        pytest.fail(
            f"{what}: the tasks ran in other processes ({', '.join(map(str, away))}), not in "
            f"threads of this one (pid {me}). A task that waits (for a reply, a disk, a "
            "timer) lets go of the GIL while it waits, so threads of one process wait at "
            "the same time just fine. Processes only add costs here: a start-up for each "
            "(a new interpreter and its imports) and every task and result pickled through "
            "a pipe. Use a ThreadPoolExecutor.\n"
            f"{timeline(results)}",
            pytrace=False,
        )


def test_io_bound_tasks_wait_together_in_threads_of_this_process():
    count = 8
    gate = probe.Gate()
    tasks = [probe.Waiter(gate.id, i, os.getpid()) for i in range(count)]
    running = Call(gilwork.run_io_bound, tasks, name="calling run_io_bound")
    try:
        together = wait_at_gate(gate, running, count)
        if together:  # let them go last first: the last task finishes first
            for index in reversed(range(count)):
                gate.release(index)
                gate.wait_until(lambda g: index in g.left, timing.SOON)
    finally:
        gate.close()
    finish_watched(running, f"run_io_bound({count} tasks)")
    if running.error is not None:
        raise running.error
    what = f"run_io_bound({count} tasks)"
    check_records(running.value, count, what)
    not_in_threads(running.value, what)
    if not together:
        if gate.peak <= 1:
            how = (
                "one at a time: each task waited alone, and the next began only after it "
                "had finished. The waits did not overlap at all. Run each task in a "
                "thread of its own (up to max_threads), all started before you wait for any."
            )
        else:
            how = (
                f"at most {gate.peak} at once. With max_threads left at its default (32), "
                f"all {count} tasks should wait at the same time, each in its own thread. "
                "ThreadPoolExecutor() without max_workers uses min(32, os.cpu_count() + 4) "
                f"threads ({min(32, (os.cpu_count() or 1) + 4)} here): a default sized for "
                "CPU work. Pass max_workers=min(max_threads, len(tasks))."
            )
        pytest.fail(
            f"{count} I/O-bound tasks were handed to {what}, and they waited {how}\n{gate.picture()}",
            pytrace=False,
        )
    order = [r.index for r in running.value]
    expect(
        order == list(range(count)),
        f"{what} returned the results of tasks {order}, not {list(range(count))}. The test "
        f"let the tasks finish last first. {IN_ORDER}\n{gate.picture()}"
    )
    starts, ends = [r.start for r in running.value], [r.end for r in running.value]
    expect(max(starts) < min(ends), f"the waits should all overlap:\n{timeline(running.value)}")


def test_io_bound_threads_are_capped_at_max_threads():
    for count, given in ((12, 3), (34, None)):  # None: max_threads left to its default, 32
        cap = 32 if given is None else given
        what = f"run_io_bound({count} tasks, max_threads={cap})" if given else (
            f"run_io_bound({count} tasks) (max_threads left to its default, 32)"
        )
        capped_run(count, given, cap, what)


def capped_run(count, given, cap, what):
    gate = probe.Gate()
    tasks = [probe.Waiter(gate.id, i, os.getpid()) for i in range(count)]
    threads_before = set(threading.enumerate())
    kwargs = {} if given is None else {"max_threads": given}
    running = Call(gilwork.run_io_bound, tasks, **kwargs, name="calling run_io_bound")
    try:
        full = wait_at_gate(gate, running, cap)
        if full:  # the cap is reached: does a task more come in?
            watch_for_one_more(gate, running, threads_before, cap)
    finally:
        gate.close()
    finish_watched(running, what)
    check_records(running.value, count, what)
    not_in_threads(running.value, what)
    expect(
        gate.peak <= cap,
        f"{gate.peak} tasks waited at once in {what}: the threads are not "
        "capped. A thread per task is cheap for a handful of tasks, but 10,000 tasks would "
        "mean 10,000 threads (memory for each stack, and the operating system's limits). "
        f"Use a pool of min(max_threads, len(tasks)) threads.\n{gate.picture()}"
    )
    expect(
        full,
        f"in {what}, at most {gate.peak} task(s) waited at once: up to {cap} "
        f"should wait at the same time, each in its own thread.\n{gate.picture()}"
    )
    order = [r.index for r in running.value]
    expect(order == list(range(count)), f"{what} returned the results of tasks {order}. {IN_ORDER}")
    left = threads_left(threads_before)
    expect(
        not left,
        f"{what} returned while its threads {left} were still alive: every thread has ended "
        "before run_io_bound returns (leave a `with ThreadPoolExecutor(...)` block, or join "
        "the threads you started)"
    )


def watch_for_one_more(gate, running, before, cap):
    """With `cap` tasks waiting at the gate, give one more NO_MORE seconds to come in.

    The look ends after timing.GLIMPSE when no thread is left that could bring one: each
    thread started since the call (`before`: those alive before it), but the call's own,
    is one of those waiting at the gate. A thread to spare (a pool bigger than the cap, a
    thread per task) gets the whole window."""
    more = lambda g: g.peak > cap  # noqa: E731
    if gate.wait_until(more, timing.GLIMPSE):
        return
    started = sorted(
        t.name for t in threading.enumerate() if t not in before and t is not running.thread
    )
    waiting = []  # read under the gate's lock
    gate.wait_until(lambda g: waiting.extend(g.inside.values()) or True, 0)
    if started == sorted(waiting):
        return
    gate.wait_until(more, NO_MORE - timing.GLIMPSE)


def blocked_on_the_gate(caller):
    """Is thread `caller` blocked in join() (no timeout) of a thread that waits at a gate?
    Then it cannot end before the test lets that thread's task go."""
    frames = sys._current_frames()
    frame = frames.get(caller.ident)
    while frame is not None:
        if frame.f_code is threading.Thread.join.__code__:
            joined, timeout = frame.f_locals.get("self"), frame.f_locals.get("timeout")
            if timeout is not None or not isinstance(joined, threading.Thread):
                return False
            inner = frames.get(joined.ident)
            while inner is not None:
                if inner.f_code is probe.Gate.pass_through.__code__:
                    return True
                inner = inner.f_back
            return False
        frame = frame.f_back
    return False


def ends_while_held(running, ended):
    """Does the call end within NO_MORE, while the test holds a task at the gate? The look
    ends after timing.GLIMPSE once the call waits, in a join() without a timeout, for a
    thread held at the gate (leaving a `with ThreadPoolExecutor` block does that)."""
    deadline = time.monotonic() + NO_MORE
    glimpse = time.monotonic() + timing.GLIMPSE
    with ended:
        while not running.done:
            now = time.monotonic()
            if now >= deadline or (now >= glimpse and blocked_on_the_gate(running.thread)):
                break
            ended.wait(min(0.01, deadline - now))
        return running.done


def test_a_failing_io_bound_task_raises_in_the_caller_after_every_thread_has_ended():
    gate = probe.Gate()
    me = os.getpid()
    tasks = [probe.Waiter(gate.id, 0, me), probe.Waiter(gate.id, 1, me, fail=True), probe.Waiter(gate.id, 2, me)]
    threads_before = set(threading.enumerate())
    ended = threading.Condition()
    running = Call(gilwork.run_io_bound, tasks, name="calling run_io_bound", changed=ended)
    ended_early = False
    try:
        together = wait_at_gate(gate, running, 3)
        if together:
            for index in (0, 1):  # task 0 returns, then task 1 raises; task 2 is still held
                gate.release(index)
                gate.wait_until(lambda g: index in g.left, timing.SOON)
            # the call must not end while task 2 still runs in its thread
            ended_early = ends_while_held(running, ended)
    finally:
        gate.close()
    what = "run_io_bound(3 tasks; task 1 raises)"
    try:
        value = finish_watched(running, what)
    except probe.TaskFailed as exc:
        error = exc
    else:
        pytest.fail(
            f"task 1 raised TaskFailed, and {what} returned {value!r:.300} as if all was well. "
            "An exception in a task must reach the caller: don't catch it, and don't hand it "
            "back as a value. future.result() raises it for you.",
            pytrace=False,
        )
    expect(
        type(error) is probe.TaskFailed and "task 1" in str(error),
        f"{what} raised {error!r}: not the exception task 1 raised",
    )
    expect(together, f"the 3 tasks never waited at the gate at the same time.\n{gate.picture()}")
    expect(
        not ended_early,
        f"{what} raised task 1's exception while task 2 was still running in its thread (the "
        "test still held it). Every thread has ended before run_io_bound returns, however "
        "it ends: leaving a `with ThreadPoolExecutor(...)` block waits for the running "
        "tasks, also when result() raised. shutdown(wait=False), or threads you started "
        f"and did not join, leave work running after the caller thinks it is over.\n{gate.picture()}"
    )
    left = threads_left(threads_before)
    expect(not left, f"{what} raised, and its threads {left} were still alive")


# --- is the GIL on? -----------------------------------------------------------------------


def gil_enabled(situation, monkeypatch, as_if=None):
    """gilwork.gil_enabled(), asked on this interpreter, or (as_if) on a simulated one;
    failing with a lesson if it raises AttributeError."""
    error = None
    with monkeypatch.context() as patched:
        if as_if is not None:
            simulate(patched, *as_if)
        try:
            return gilwork.gil_enabled()
        except AttributeError as exc:
            error = exc  # reported below, outside this except block and the simulation
    pytest.fail(
        f"{situation}, gil_enabled() raised:\n{messages.format_exception(error)}\n"
        "sys._is_gil_enabled() only exists from Python 3.13; before that there is always "
        "a GIL. Look the function up with getattr(sys, '_is_gil_enabled', None) and "
        "answer True when it is missing (or answer True when sys.version_info < (3, 13), "
        "and ask it otherwise).",
        pytrace=False,
    )


VersionInfo = collections.namedtuple("version_info", "major minor micro releaselevel serial")


def simulate(patched, minor, free_threaded, is_enabled):
    """Make this interpreter look like CPython 3.<minor>, whole, so that every right way
    to ask gives the same answer: sys.version_info and sys.hexversion; the build
    (sysconfig's Py_GIL_DISABLED: 1 free-threaded, 0 the standard build, missing before
    3.13); and sys._is_gil_enabled, which answers `is_enabled` (missing when None)."""
    patched.setattr(sys, "version_info", VersionInfo(3, minor, 0, "final", 0))
    patched.setattr(sys, "hexversion", 0x030000F0 | minor << 16)
    config = sysconfig.get_config_vars()  # the dict sysconfig.get_config_var reads too
    if minor < 13:
        patched.delitem(config, "Py_GIL_DISABLED", raising=False)
    else:
        patched.setitem(config, "Py_GIL_DISABLED", int(free_threaded))
    if is_enabled is None:
        patched.delattr(sys, "_is_gil_enabled", raising=False)
    else:
        patched.setattr(sys, "_is_gil_enabled", lambda: is_enabled, raising=False)


def test_gil_enabled_asks_the_running_interpreter(monkeypatch):
    real = getattr(sys, "_is_gil_enabled", None)
    truth = real() if real else True
    now = gil_enabled(f"on this interpreter (Python {sys.version.split()[0]})", monkeypatch)
    on_a_gil_build_past_3_13 = truth and sys.version_info >= (3, 13)
    expect(
        now is truth,
        f"gil_enabled() returned {now!r} on this interpreter, whose GIL is "
        f"{'on' if truth else 'off'}; expected the bool {truth}"
        + (". Python 3.13 did not remove the GIL: only the separate free-threaded build "
           "(python3.13t) can run without it. The version does not say; "
           "sys._is_gil_enabled() does." if on_a_gil_build_past_3_13 and now is False else ""),
    )
    # Other interpreters, simulated whole (version, build and sys._is_gil_enabled agree),
    # so that looking the function up and checking the version are both right.
    standard = gil_enabled("on a standard CPython 3.13 build", monkeypatch, (13, False, True))
    expect(
        standard is True,
        f"on a standard CPython 3.13 build (sys._is_gil_enabled() says True) gil_enabled() "
        f"returned {standard!r}, not True. Python 3.13 did not remove the GIL: only the "
        "separate free-threaded build (python3.13t) can run without it, and the standard "
        "build of 3.13 and later has it on, as before. The version does not say; "
        "sys._is_gil_enabled() does."
    )
    off = gil_enabled(
        "on a free-threaded 3.13t running without the GIL", monkeypatch, (13, True, False)
    )
    expect(
        off is False,
        f"on a free-threaded 3.13t running without the GIL (sys._is_gil_enabled() says "
        f"False) gil_enabled() returned {off!r}, not False. Ask the interpreter, at run time."
    )
    back_on = gil_enabled(
        "on a free-threaded 3.13t with the GIL turned back on", monkeypatch, (13, True, True)
    )
    expect(
        back_on is True,
        f"on a free-threaded 3.13t with the GIL turned back on (sys._is_gil_enabled() says "
        f"True) gil_enabled() returned {back_on!r}, not True: how it was built (sysconfig's "
        "Py_GIL_DISABLED) does not say whether the GIL is on now: PYTHON_GIL=1, or "
        "importing an extension that needs the GIL, turns it back on. Ask the interpreter, "
        "at run time."
    )
    before = gil_enabled(
        "on Python 3.12, which has no sys._is_gil_enabled", monkeypatch, (12, False, None)
    )
    expect(
        before is True,
        f"on Python 3.12, which has no sys._is_gil_enabled, gil_enabled() returned "
        f"{before!r}: before 3.13 there is always a GIL, so True"
    )
