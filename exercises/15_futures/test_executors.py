"""Tests for 15_futures. Run them with:  pytest exercises/15_futures

Nothing here waits and hopes. The thread tests hold each task on an Event the test
opens, so the test decides which task finishes first and counts how many run at once.
Tasks in worker processes cannot wait on a threading.Event, so they call the test on a
local socket (kata.probes.executors.check_in) and wait for its answer: a "switchboard"
that lets the test release them one by one, in the order it chooses.
"""

import functools
import multiprocessing
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import kata.probes.executors as probe
import kata.timing as timing
from kata import Call, finishes_within, guard, implementation, messages

executors = implementation("executors")

# Every bound comes from kata.timing: AT_ONCE for what threads do at once, SOON for a
# call's end, HOLD_LIMIT for how long a held task waits to be let go (always let go
# sooner). The long bound, for a worker process to start, is only waited out while a
# child process is alive (timing.ChildWatch).
NO_MORE = 0.2  # window: how long the throttle test watches for one task too many
LIMIT = 3 * timing.CHILD_READY_BOOTED  # the per-test limit of the tests that start processes

# The tests start threads and then worker processes; Python 3.12+ warns that fork() in a
# multi-threaded process may deadlock. That is the start method's business, not yours.
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")

IN_ORDER = (
    "future.result() waits for that one future, so asking the futures for their results "
    "in the order you submitted them gives the results in the order of the items, "
    "whatever order the tasks finished in (Executor.map does the same). as_completed() "
    "hands futures over in the order they finish: right for as_they_finish, wrong here."
)
AS_COMPLETED = (
    "as_they_finish must hand over each result as soon as its task is done: loop over "
    "concurrent.futures.as_completed(futures) and yield inside the loop. Executor.map, or "
    "calling result() on the futures in the order they were submitted, waits for the first "
    "item's task even when another task finished long before; waiting for all of them "
    "first (wait(futures)) hands nothing over until the slowest is done."
)
CANCEL = (
    "first_result should return as soon as one task is done: wait(futures, "
    "return_when=FIRST_COMPLETED) or next(as_completed(futures)), then cancel() the "
    "others, then return. Waiting for all the futures, calling result() on them in "
    "submission order, or using the caller's executor as a `with` block (whose exit waits "
    "for every task) keeps it waiting for tasks that are still running."
)


# --- processes ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _forkserver_booted():
    """Under forkserver, the server boots before the test watches your code (timing.warm_up)."""
    timing.warm_up()


class Switchboard:
    """Where tasks running in worker processes call in when they start, and wait.

    Each task (probe.check_in) connects, says which item it is and which process runs it,
    and waits for an answer: the test releases it by answering. A task that cannot reach
    the switchboard (after close()) runs free, so a failed test never leaves a task stuck.
    """

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.address = self.server.getsockname()[:2]
        self.held = {}  # item -> connection, for tasks that called in and wait
        self.pids = {}  # item -> pid of the process that ran it
        self.timeline = []  # what happened, in order, for the failure messages
        self.problem = None  # what went wrong, if something did
        self._lock = threading.Lock()
        self._started = time.monotonic()

    def _note(self, text):
        self.timeline.append(f"  {time.monotonic() - self._started:6.3f} s  {text}")

    def next_call(self, give_up):
        """Accept the next task that calls in; return its item, or None once give_up()
        says no task is coming (or the switchboard was closed)."""
        self.server.settimeout(0.05)
        while True:
            try:
                connection, _ = self.server.accept()
                break
            except TimeoutError:
                if give_up():
                    return None
            except OSError:  # closed
                return None
        connection.settimeout(timing.SOON)
        data = b""
        while not data.endswith(b"\n"):
            chunk = connection.recv(64)
            if not chunk:
                break
            data += chunk
        item, pid = (int(word) for word in data.split())
        with self._lock:
            self.held[item] = connection
            self.pids[item] = pid
            self._note(f"task {item} started in process {pid} ({len(self.held)} running)")
        return item

    def release(self, item):
        with self._lock:
            connection = self.held.pop(item)
            self._note(f"task {item} released")
        try:
            connection.sendall(b"!")
        finally:
            connection.close()

    def close(self):
        """Release every held task and stop taking calls: from now on tasks run free."""
        with self._lock:
            held, self.held = self.held, {}
        for connection in held.values():
            connection.close()
        try:
            self.server.shutdown(socket.SHUT_RDWR)  # wakes a thread waiting in accept()
        except OSError:
            pass
        self.server.close()

    def picture(self):
        return "What the switchboard saw:\n" + "\n".join(self.timeline)

    def finish_out_of_order(self, items, max_workers, call):
        """Hold the tasks, then release the latest-submitted running task each time, so
        that the first item's task finishes last. Runs in a thread of its own, while
        `call` (a kata.Call of run_in_processes) runs in another.

        The long bound on a worker process's start (timing.child_ready()) is waited out
        only while a worker process that has not called in yet is alive: it may still be
        booting. With none, no task is coming, and the test fails at once."""
        try:
            started = time.monotonic()
            watch = timing.ChildWatch()
            running = [self.next_call(lambda: call.done or watch.hopeless())]
            if running[0] is None:
                how = "run_in_processes returned" if call.done else f"run_in_processes has not returned, {watch.why()}"
                self.problem = (
                    f"no task started ({how}): run_in_processes should submit every item "
                    "to the executor, then wait for the results"
                )
                return
            # Both workers start at about the same time; the first one's start-up shows
            # how long a process takes to start on this machine, now. A worker process
            # that has not called in may still be booting; with none, none is coming.
            patience = min(timing.child_ready(), max(timing.SOON, 4 * (time.monotonic() - started)))
            others = timing.ChildWatch(patience, timing.AT_ONCE, ignore=lambda: self.pids.values())
            while len(running) < min(max_workers, len(items)):
                item = self.next_call(lambda: call.done or others.hopeless())
                if item is None:
                    self.problem = (
                        f"while task {running[0]} ran (held by the test), no other task "
                        f"started within {others.since():.1f} s, though max_workers was "
                        f"{max_workers}, and no other worker process was starting: the tasks "
                        "run one at a time. Submit every item first, then ask for the "
                        "results; submit-then-result() in one loop waits for each task "
                        "before the next is even submitted."
                    )
                    return
                running.append(item)
            to_call = len(items) - len(running)
            while running:
                latest = max(running, key=items.index)
                running.remove(latest)
                self.release(latest)
                if to_call:
                    # The worker that ran `latest` takes the next item only after it has
                    # sent latest's result: so latest has truly finished before the others.
                    watch = timing.ChildWatch()
                    item = self.next_call(lambda: call.done or watch.hopeless())
                    if item is None:
                        how = "run_in_processes returned" if call.done else f"run_in_processes has not returned, {watch.why()}"
                        self.problem = (
                            f"task {latest} finished, yet no task for the {to_call} items "
                            f"left started ({how})"
                        )
                        return
                    running.append(item)
                    to_call -= 1
        except Exception as exc:  # reported by the test, with the timeline
            self.problem = f"the switchboard failed: {exc!r}"
        finally:
            self.close()


class NotingChildren:
    """fn, called through this, notes the child processes alive the moment it returns
    (``at_return``): a pool left to the garbage collector still has them then, though
    they may end a moment later."""

    def __init__(self, fn):
        self.fn = fn
        self.at_return = set()

    def __call__(self, *args):
        try:
            return self.fn(*args)
        finally:
            self.at_return = set(timing.live_children())


def finish_watched(running, what, explain="", watch=None):
    """Join a call of run_in_processes (a kata.Call); return what it returned, or raise
    what it raised.

    It may take up to timing.child_ready() while one of its worker processes is alive
    (starting, or working); blocked with none alive for timing.SOON, it never returns,
    and the test fails at once with where it is stuck.
    """
    watch = watch or timing.join_while_children(running.thread)
    if running.thread.is_alive():
        guard.excuse(running.thread)
        headline = f"{what} has not returned, {watch.why()}: it is stuck. Where:"
        pytest.fail(messages.stuck_report(headline, [running.thread], explain), pytrace=False)
    return running.finish(0, what)


@pytest.mark.timeout(LIMIT)  # room for worker processes to start on a slow machine
def test_tasks_run_in_worker_processes_that_are_reused():
    items = list(range(6))
    children_before = set(multiprocessing.active_children())
    what = "run_in_processes(where, range(6), max_workers=2)"
    call = NotingChildren(executors.run_in_processes)
    running = Call(call, probe.where, items, 2, name="calling run_in_processes")
    results = finish_watched(running, what, f"{what} never returned.")
    assert isinstance(results, list) and [r[0] for r in results if isinstance(r, tuple)] == items, (
        f"run_in_processes(where, {items}, 2) returned {results!r}; expected a list of "
        "where(item) for each item, in the order of the items. where(item) returns (item, pid)."
    )
    pids = [pid for _, pid in results]
    assert os.getpid() not in pids, (
        f"tasks ran in this very process (pid {os.getpid()}), the caller's: every task must run "
        "in a worker process of a ProcessPoolExecutor. A ThreadPoolExecutor's threads, or "
        f"calling fn(item) directly, share the caller's pid. Pids seen: {pids}"
    )
    assert len(set(pids)) <= 2, (
        f"6 tasks with max_workers=2 ran in {len(set(pids))} different processes "
        f"({sorted(set(pids))}). One executor with max_workers=2 starts at most 2 worker "
        "processes and reuses them for every task; a new executor (or Process) per task "
        "pays a process start-up for each item."
    )
    left = sorted(p.pid for p in call.at_return if p not in children_before)
    assert not left, (
        f"run_in_processes returned while its worker processes {left} were still running: "
        "shut the executor down before returning. Leaving a `with ProcessPoolExecutor(...)` "
        "block calls shutdown(wait=True), which waits for the workers to end. Counting on the "
        "garbage collector to tidy up works only while nothing else keeps a reference to the "
        "executor (a global, an attribute, a traceback)."
    )


@pytest.mark.timeout(LIMIT)
def test_process_results_come_back_in_the_order_of_the_items():
    items = [10, 20, 30, 40]
    board = Switchboard()
    running = Call(
        executors.run_in_processes, functools.partial(probe.check_in, board.address), items, 2,
        name="calling run_in_processes",
    )  # fmt: skip
    driver = threading.Thread(
        target=board.finish_out_of_order, args=(items, 2, running), name="switchboard", daemon=True
    )
    driver.start()
    try:
        watch = timing.join_while_children(running.thread)
    finally:
        board.close()  # a task still held runs free
        driver.join(timing.AT_ONCE)
    if board.problem and not isinstance(running.error, NotImplementedError):
        if running.thread.is_alive():
            guard.excuse(running.thread)
        pytest.fail(f"{board.problem}\n{board.picture()}", pytrace=False)
    results = finish_watched(running, f"run_in_processes(check_in, {items}, 2)", "", watch)
    got = [r[0] if isinstance(r, tuple) else r for r in results]
    assert got == items, (
        f"run_in_processes returned the results for items {got}; expected {items}, the "
        f"order of the items. The test chose the order the tasks finished in (see below): "
        f"the first item's task last. {IN_ORDER}\n{board.picture()}"
    )
    assert os.getpid() not in board.pids.values(), (
        f"the tasks ran in this process (pid {os.getpid()}), not in worker processes: use a "
        f"ProcessPoolExecutor, not a ThreadPoolExecutor.\n{board.picture()}"
    )


@pytest.mark.timeout(LIMIT)
def test_an_exception_in_a_worker_process_is_raised_by_the_caller():
    children_before = set(multiprocessing.active_children())
    try:
        what = "run_in_processes(fail_if_negative, [3, -1, 4], 2)"
        outcome = finish_watched(
            Call(executors.run_in_processes, probe.fail_if_negative, [3, -1, 4], 2, name="calling run_in_processes"),
            what,
            f"{what} never returned after a task raised.",
        )
    except probe.TaskFailed as exc:
        assert type(exc) is probe.TaskFailed and "-1" in str(exc), (
            f"the exception's type or message was changed on the way: {exc!r}"
        )
        # Checked while the exception (and so the frame that raised it) is still alive.
        left = [p.pid for p in multiprocessing.active_children() if p not in children_before]
        assert not left, (
            f"run_in_processes raised the task's TaskFailed while its worker processes {left} "
            "were still running: the executor must be shut down however the call ends, also "
            "when a task raised. A `with ProcessPoolExecutor(...)` block does it on the way "
            "out, exception or not; pool.shutdown() on the line after the results is never "
            "reached when result() raises, and the traceback keeps the executor alive."
        )
        return
    except NotImplementedError:
        raise
    except Exception as exc:
        raise AssertionError(
            f"the task for item -1 raised TaskFailed, but run_in_processes raised "
            f"{type(exc).__name__}({exc}). Let the task's exception through unchanged: "
            "future.result() raises it, with its type, in the caller's process (it is "
            "pickled back from the worker). Catching it and raising something else hides "
            "what went wrong from your caller."
        ) from exc
    raise AssertionError(
        f"the task for item -1 raised TaskFailed, but run_in_processes returned {outcome!r}. "
        "An exception in a task must reach the caller as an exception: future.result() "
        "raises it. Returning it as a value (or dropping it) makes failures look like results."
    )


# --- threads: completion order, errors, the max_workers throttle -------------------------


ENDED = "nothing: the generator ended"  # what next() gives here when there was no next


def _close(generator):
    """Close a generator the test stopped early (its executor then shuts down)."""
    try:
        generator.close()
    except (ValueError, AttributeError):  # still running in a stuck helper thread, or no generator
        pass


def test_results_are_yielded_in_the_order_the_tasks_finish():
    items = ["a", "b", "c", "d"]
    finish_order = ["c", "a", "d", "b"]
    gates = {item: threading.Event() for item in items}

    def task(item):
        gates[item].wait(timing.HOLD_LIMIT)  # held until the test opens this task's gate
        return item.upper()

    results = None
    got = []
    try:
        results = finishes_within(
            timing.AT_ONCE,
            lambda: iter(executors.as_they_finish(task, items, 4)),
            explain=f"as_they_finish was called and did not return: it should be a generator, "
            f"which starts work when asked for its first result. {AS_COMPLETED}",
        )
        for item in finish_order:
            gates[item].set()  # only this task can finish now: the others are held
            pair = finishes_within(
                timing.AT_ONCE,
                next,
                results,
                ENDED,
                explain=f"The test let task {item!r} finish and asked for the next result; "
                f"the results handed over so far were {got}. {AS_COMPLETED}",
            )
            got.append(pair)
            assert pair == (item, item.upper()), (
                f"tasks finished in the order {finish_order[: len(got)]} (the test held the "
                f"others); as_they_finish yielded {got}. Each pair is (item, result): "
                f"expected {(item, item.upper())!r} next. {AS_COMPLETED}"
            )
        rest = finishes_within(timing.AT_ONCE, list, results)
        assert rest == [], f"after all {len(items)} results, as_they_finish yielded {rest!r} more"
    finally:
        for gate in gates.values():
            gate.set()
        _close(results)


def test_a_task_that_raises_makes_the_generator_raise_at_its_turn():
    class Broken(Exception):
        pass

    gates = {"a": threading.Event(), "b": threading.Event()}  # task c is never held

    def task(item):
        if item in gates:
            gates[item].wait(timing.HOLD_LIMIT)
        if item == "b":
            raise Broken("task b broke")
        return item.upper()

    results = None
    try:
        results = finishes_within(
            timing.AT_ONCE,
            lambda: iter(executors.as_they_finish(task, list("abc"), 3)),
            explain=f"as_they_finish was called and did not return. {AS_COMPLETED}",
        )
        for item in ("c", "a"):  # c finishes at once, then the test lets a finish
            if item in gates:
                gates[item].set()
            pair = finishes_within(timing.AT_ONCE, next, results, ENDED, explain=AS_COMPLETED)
            assert pair == (item, item.upper()), (
                f"task {item!r} finished next; expected {(item, item.upper())!r}, got {pair!r}"
            )
        gates["b"].set()
        try:
            third = finishes_within(timing.AT_ONCE, next, results, ENDED, explain=AS_COMPLETED)
        except Broken:
            return
        raise AssertionError(
            f"task b raised Broken, and as_they_finish handed over {third!r}. A task's "
            "exception must come out of the generator as an exception: future.result() "
            "raises it, in the caller's thread. Yielding it as a value, or skipping the "
            "task, makes a failure look like a result or vanish."
        )
    finally:
        for gate in gates.values():
            gate.set()
        _close(results)


class Counter:
    """Counts, from inside the tasks, how many run now and the most that ever ran at once."""

    def __init__(self):
        self.changed = threading.Condition()
        self.inside = 0
        self.most_at_once = 0
        self.call = None  # the call under test (a kata.Call notifying `changed` when it ends)
        self.timeline = []

    def enter(self):
        with self.changed:
            self.inside += 1
            self.most_at_once = max(self.most_at_once, self.inside)
            self.timeline.append(self.inside)
            self.changed.notify_all()

    def leave(self):
        with self.changed:
            self.inside -= 1
            self.timeline.append(self.inside)
            self.changed.notify_all()

    def wait_for(self, predicate, seconds):
        """Wait until predicate() holds, or the call under test has ended, or `seconds`."""
        with self.changed:
            return self.changed.wait_for(lambda: predicate() or self.call.done, seconds) and predicate()

    def picture(self):
        with self.changed:
            counts = self.timeline[:60]
        rows = [
            f"  {level:>2} |" + "".join("#" if c >= level else " " for c in counts)
            for level in range(max(counts, default=0), 0, -1)
        ]
        return "tasks running, after each start or end (left to right):\n" + "\n".join(rows)


def test_no_more_than_max_workers_tasks_run_at_once():
    max_workers = 3
    items = list(range(2 * max_workers))
    counter = Counter()
    gate = threading.Event()

    def task(item):
        counter.enter()
        try:
            gate.wait(timing.HOLD_LIMIT)  # held, so that every task the executor lets run is running now
        finally:
            counter.leave()
        return item

    counter.call = Call(
        lambda: list(executors.as_they_finish(task, items, max_workers)),
        name="consumer",
        changed=counter.changed,
    )
    try:
        reached = counter.wait_for(lambda: counter.inside >= max_workers, timing.AT_ONCE)
        # Nothing more may start while these are held; an executor with more workers
        # starts one more within moments.
        too_many = counter.wait_for(lambda: counter.inside > max_workers, NO_MORE)
    finally:
        gate.set()
    collected = counter.call.finish(
        timing.SOON, "list(as_they_finish(task, range(6), 3))", explain=AS_COMPLETED
    )  # raises what the call raised
    assert reached, (
        f"with max_workers={max_workers} and {len(items)} tasks all held by the test, only "
        f"{counter.most_at_once} ran at once. Submit every task before waiting for any "
        f"result, to one executor created with max_workers.\n{counter.picture()}"
    )
    assert not too_many and counter.most_at_once == max_workers, (
        f"with max_workers={max_workers}, {counter.most_at_once} tasks ran at once. Pass "
        "max_workers on to ThreadPoolExecutor(max_workers=...): without it the executor "
        f"uses up to min(32, cpus + 4) threads.\n{counter.picture()}"
    )
    pairs = [pair for pair in collected if type(pair) is tuple]
    assert len(pairs) == len(collected) and sorted(pairs) == [(i, i) for i in items], (
        f"as_they_finish yielded {collected!r}; expected one (item, result) tuple per item"
    )


# --- cancelling -----------------------------------------------------------------------------


class RecordingPool(ThreadPoolExecutor):
    """A ThreadPoolExecutor that keeps every future it hands out, with its item."""

    def __init__(self, max_workers):
        super().__init__(max_workers=max_workers, thread_name_prefix="test-pool")
        self.submitted = []  # (item, future)

    def submit(self, fn, /, *args, **kwargs):
        future = super().submit(fn, *args, **kwargs)
        self.submitted.append((args[0] if args else None, future))
        return future


def test_first_result_cancels_the_tasks_that_have_not_started():
    items = ["slow", "fast", "queued-1", "queued-2", "queued-3"]
    gate = threading.Event()
    started = []

    def task(item):
        started.append(item)
        if item != "fast":
            gate.wait(timing.HOLD_LIMIT)  # every task but "fast" keeps its worker busy until released
        return item.upper()

    pool = RecordingPool(max_workers=2)
    try:
        answer = finishes_within(
            timing.AT_ONCE, executors.first_result, pool, task, items, explain=CANCEL
        )
        at_return = [
            (item, future.cancelled(), future.running() or future.done())
            for item, future in pool.submitted
        ]
    finally:
        gate.set()
        finishes_within(timing.SOON, pool.shutdown)
    assert type(answer) is str and answer == "FAST", (
        f"the task for 'fast' finished first (all the others were held), so first_result "
        f"should return 'FAST', what that task returned; it returned {answer!r}"
    )
    assert len(at_return) == len(items), (
        f"first_result submitted {len(at_return)} calls to the executor for {len(items)} "
        "items: submit fn(item) for every item, then wait for the first to finish"
    )
    waiting = [item for item, cancelled, begun in at_return if not cancelled and not begun]
    assert not waiting, (
        f"first_result returned while the tasks for {waiting} were still queued and not "
        "cancelled: they would run for nothing after the answer was found (and here, once "
        "the test released its workers, they did). Call cancel() on every future that is "
        "not done: it returns True for a task that has not started, which then never runs."
    )
    begun = {item for item, cancelled, begun in at_return if begun and not cancelled}
    late = [item for item in started if item not in begun]
    assert not late, (
        f"the tasks for {late} had not started when first_result returned, yet they ran "
        "later: a cancelled future never runs, so cancel() was not called on them (or "
        "was called on other futures)"
    )


def test_first_result_leaves_the_callers_executor_running():
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="test-pool")
    try:
        answer = finishes_within(
            timing.AT_ONCE, executors.first_result, pool, str.upper, ["x"], explain=CANCEL
        )
        assert type(answer) is str and answer == "X", (
            f"first_result(pool, str.upper, ['x']) returned {answer!r}, not 'X'"
        )
        try:
            later = pool.submit(len, "abc").result(timeout=timing.AT_ONCE)
        except RuntimeError as exc:
            raise AssertionError(
                f"after first_result returned, the caller's executor refused new work: {exc}. "
                "The executor belongs to the caller, who may have more to do with it: "
                "don't shut it down, and don't use it as a `with` block (leaving the block "
                "shuts it down). Cancel the futures you do not need one by one."
            ) from None
        assert type(later) is int and later == 3
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


FIRST_ERROR = (
    "When the first task to finish raised, that exception is first_result's answer: wait "
    "for the first future to be done (wait(futures, return_when=FIRST_COMPLETED) or "
    "next(as_completed(futures))), cancel() the others, then call result() on the first "
    "one, which raises its exception. Skipping failed tasks to wait for a good result "
    "waits for tasks that may never finish; calling result() before cancelling leaves "
    "the queued tasks to run for nothing when it raises."
)


def test_first_result_raises_the_error_of_the_task_that_finished_first():
    class Broken(Exception):
        pass

    items = ["slow", "breaks", "queued-1", "queued-2", "queued-3"]
    gate = threading.Event()
    raised = []

    def task(item):
        if item == "breaks":
            raised.append(Broken("task 'breaks' broke"))
            raise raised[-1]
        gate.wait(timing.HOLD_LIMIT)  # every other task keeps its worker busy until released
        return item.upper()

    pool = RecordingPool(max_workers=2)
    error = answer = refused = later = None
    try:
        try:
            answer = finishes_within(
                timing.AT_ONCE, executors.first_result, pool, task, items, explain=FIRST_ERROR
            )
        except Broken as exc:
            error = exc
        at_end = [
            (item, future.cancelled(), future.running() or future.done())
            for item, future in pool.submitted
        ]
        gate.set()
        try:
            later = pool.submit(len, "ab").result(timeout=timing.SOON)
        except RuntimeError as exc:
            refused = exc
    finally:
        gate.set()
        finishes_within(timing.SOON, pool.shutdown)
    assert error is not None, (
        f"the task for 'breaks' finished first, by raising Broken (the others were held), "
        f"and first_result returned {answer!r} instead of raising it. {FIRST_ERROR}"
    )
    assert error is raised[0], (
        f"first_result raised {error!r}, not the very exception the task raised: let it "
        "through unchanged (future.result() raises it in your thread)"
    )
    waiting = [item for item, cancelled, begun in at_end if not cancelled and not begun]
    assert not waiting, (
        f"first_result raised the first task's exception while the tasks for {waiting} "
        f"were still queued and not cancelled: they would run for nothing. {FIRST_ERROR}"
    )
    assert refused is None and type(later) is int and later == 2, (
        f"after first_result raised, the caller's executor refused new work ({refused}): "
        "it is the caller's, leave it running whatever happens"
    )


@pytest.mark.timeout(LIMIT)  # room for worker processes to start on a slow machine
def test_no_items_and_the_default_number_of_workers():
    # first_result: with no items there is no first result.
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-pool")
    try:
        try:
            got = finishes_within(
                timing.AT_ONCE, executors.first_result, pool, str.upper, [],
                explain="first_result(pool, str.upper, []) never returned: with no items "
                "there is nothing to wait for; raise ValueError at once.",
            )  # fmt: skip
        except ValueError:
            got = ValueError
        except (NotImplementedError, AssertionError):
            raise
        except Exception as exc:
            raise AssertionError(
                f"first_result(pool, str.upper, []) raised {type(exc).__name__}({exc}); the "
                "docstring asks for ValueError when there are no items. With no futures, "
                "wait() returns two empty sets at once, and next() on an empty iterator "
                "(or on as_completed([])) raises StopIteration: check for no items first."
            ) from exc
        assert got is ValueError, (
            f"first_result(pool, str.upper, []) returned {got!r}; expected ValueError: "
            "with no items there is no first result to give"
        )
        assert type(pool.submit(len, "ab").result(timeout=timing.AT_ONCE)) is int
    finally:
        pool.shutdown(wait=True)

    # as_they_finish: no items, nothing to yield; max_workers=None, the executor's default.
    empty = finishes_within(
        timing.AT_ONCE, lambda: list(executors.as_they_finish(str.upper, [], 2)),
        explain="list(as_they_finish(str.upper, [], 2)) never returned.",
    )  # fmt: skip
    assert empty == [], f"as_they_finish with no items yielded {empty!r}; expected nothing"
    meeting = threading.Barrier(4, timeout=timing.AT_ONCE)  # threads start within moments

    def meet(item):
        meeting.wait()  # returns only once all 4 tasks are running at the same time
        return item * 10

    try:
        pairs = finishes_within(
            3 * timing.AT_ONCE, lambda: sorted(executors.as_they_finish(meet, [1, 2, 3, 4], None)),
            explain="as_they_finish(fn, [1, 2, 3, 4], None) never returned.",
        )  # fmt: skip
    except threading.BrokenBarrierError:
        raise AssertionError(
            "as_they_finish(fn, [1, 2, 3, 4], max_workers=None): the 4 tasks never all ran "
            "at once. max_workers=None means the executor's default, min(32, cpus + 4) "
            "threads for a ThreadPoolExecutor: pass it on as it is."
        ) from None
    assert all(type(pair) is tuple for pair in pairs) and pairs == [(i, 10 * i) for i in (1, 2, 3, 4)], (
        f"as_they_finish(fn, [1, 2, 3, 4], None) yielded {pairs!r} (sorted); expected one "
        "(item, fn(item)) tuple per item"
    )

    # run_in_processes: no items, an empty list; max_workers=None, one process per CPU.
    children_before = set(multiprocessing.active_children())
    results = finish_watched(
        Call(executors.run_in_processes, probe.where, [], 2, name="calling run_in_processes"),
        "run_in_processes(where, [], 2)", "run_in_processes(where, [], 2) never returned.",
    )  # fmt: skip
    assert type(results) is list and results == [], (
        f"run_in_processes(where, [], 2) returned {results!r}; expected [], an empty list"
    )
    call = NotingChildren(executors.run_in_processes)
    results = finish_watched(
        Call(call, probe.where, [1, 2, 3], None, name="calling run_in_processes"),
        "run_in_processes(where, [1, 2, 3], None)",
        "run_in_processes(where, [1, 2, 3], None) never returned.",
    )  # fmt: skip
    assert type(results) is list and [r[0] if type(r) is tuple else r for r in results] == [1, 2, 3], (
        f"run_in_processes(where, [1, 2, 3], max_workers=None) returned {results!r}; "
        "expected [where(1), where(2), where(3)]. max_workers=None means the executor's "
        "default (one process per CPU): pass it on as it is."
    )
    assert os.getpid() not in [pid for _, pid in results], "the tasks ran in this process"
    left = sorted(p.pid for p in call.at_return if p not in children_before)
    assert not left, f"run_in_processes returned while its worker processes {left} still ran"
