"""Tests for 08_pools. Run them with:  pytest exercises/08_pools

The task every test hands to run_all is kata.probes.workpool.call. It runs in the pool's
worker processes and phones a Switchboard in the test process twice: "task 3 started in
process 4711" and "task 3 ended". In between it waits until the test tells it to finish
(or to raise). So the test knows at every moment which tasks are running, and where:
"k at once" is proven by k tasks being held running at the same moment, never guessed
from how long something slept. A failure shows a timeline of which worker ran which
task, when.
"""

import functools
import multiprocessing
import multiprocessing.pool
import os
import threading
import time
import warnings
from multiprocessing.connection import Client, Listener

import psutil
import pytest

import kata.timing as timing
from kata import Call, guard, implementation, messages, platform
from kata.probes import workpool as probe

workpool = implementation("workpool")

WORKERS = 3  # k, the pool size most tests ask for
# Bounds, from kata.timing. A worker started with spawn or forkserver can take many
# seconds to boot on a busy machine: the bounds on a task's start allow for it, and the
# test tells sooner when no task will come (every live worker busy or idle, STALLED; no
# worker process and no task running, SOON).
BOOT = timing.child_ready()  # the longest a test waits for the first task to start
PATIENCE = timing.child_ready()  # ... and then for another task to start
STALLED = timing.AT_ONCE  # every process busy (or idle), fewer than k tasks running, for this long: k won't come
# for terminate() and join() after a timeout (a pool of booted workers takes longer)
SHUT_DOWN_SECONDS = timing.CROWD if timing.boots_children() else timing.SOON
# Windows and inputs.
IDLE = 0.3  # window: asleep with no CPU used for this long, a worker with nothing to do
EXTRA_LOOK = timing.WATCH  # window: with k tasks held, time for a (k+1)th to show up
# (cut to timing.GLIMPSE when no process is left that could start one: see watch_for_more)
# input: the timeout passed to run_all in the timeout test (under spawn and forkserver
# long enough that the tasks have usually started when it runs out; a forked worker
# starts its task in milliseconds)
TIMEOUT = 1.0 if timing.boots_children() else 0.1

pytestmark = pytest.mark.timeout(BOOT + 3 * PATIENCE)

SHUT_DOWN = (
    "run_all must not return, or raise, before every worker process of its pool has "
    "exited and been joined: pool.close(), then pool.join() in a finally block; when a "
    "result is late, pool.terminate() before that join(). (A `with Pool(...) as pool:` "
    "block does terminate() and join() on the way out.)"
)
JOIN_BEFORE_CLOSE = (
    "run_all called join() on a pool that was still open, and Pool.join() raised "
    "ValueError('Pool is still running'). join() waits for the workers to exit, and they "
    "only exit once the pool is shut: close() first (no more jobs are coming: each worker "
    "leaves once the queue is empty), then join(); or terminate(), then join(). As it is, "
    "the pool was left open, its workers waiting for jobs that never come."
)
ONE_ARGUMENT = (
    "The task was not called with the job's arguments. Each job is a tuple of arguments, "
    "and each task is task(*job): apply_async(task, job) or starmap_async(task, jobs) "
    "unpack it; map(task, jobs) and map_async pass the whole tuple as one argument, "
    "task(job)."
)
STUCK = (
    "run_all did not return. Stuck in get()? A task that fails makes get() raise, so a "
    "get() that waits forever waits for a result that never comes (were the jobs given "
    "to the pool?). Stuck in join()? join() waits for the workers to exit, and they only "
    "exit once the pool is closed (close()) or terminated (terminate())."
)


@pytest.fixture(autouse=True)
def _forkserver_booted():
    """Under forkserver, the server boots before the test watches your code (timing.warm_up)."""
    timing.warm_up()


def jobs(count):
    """The jobs for run_all: one tuple of arguments per task, (index, label)."""
    return [(index, f"job-{index}") for index in range(count)]


def expected_results(count):
    return [f"job-{index} done" for index in range(count)]


class Switchboard:
    """The test's end of the line: each task phones in when it starts and when it ends.

    `hold`: indexes of tasks that wait, running, until the test releases them;
    `fail`: indexes of tasks told to raise probe.TaskFailed instead of returning.
    """

    def __init__(self, hold=(), fail=()):
        self.hold, self.fail = set(hold), set(fail)
        self._listener = Listener(backlog=64)
        self.task = functools.partial(probe.call, self._listener.address)
        self._changed = threading.Condition()
        self.runs = {}  # task index -> [worker pid, started, ended (None while running)]
        self.running = set()
        self.finished = []  # task indexes, in the order they ended
        self.peak = 0  # the most tasks ever running at once
        self.most_processes = 0  # the most child processes alive when a task started
        self.last_start = None  # when the latest task started
        self.first_start = None  # ... and the first
        self.last_change = time.monotonic()  # when a task last started or ended
        self._created = time.monotonic()
        self._released = set()
        self._everyone_released = self._call_over = self._closing = self._left_open = False
        self._lines, self._threads = [], []
        self._accepting = threading.Thread(target=self._accept, name="switchboard", daemon=True)
        self._accepting.start()

    # --- the calls from the tasks, each served by a thread of its own ----------------

    def _accept(self):
        while True:
            try:
                line = self._listener.accept()
            except OSError:
                return
            with self._changed:
                if self._closing:
                    line.close()
                    return
                self._lines.append(line)
                thread = threading.Thread(target=self._serve, args=(line,), name="switchboard line", daemon=True)
                self._threads.append(thread)
            thread.start()

    def _serve(self, line):
        try:
            _, index, pid, started = line.recv()
            processes = len(multiprocessing.active_children())
            with self._changed:
                self.runs[index] = [pid, started, None]
                self.running.add(index)
                self.peak = max(self.peak, len(self.running))
                self.most_processes = max(self.most_processes, processes)
                self.last_start = self.last_change = time.monotonic()
                self.first_start = self.first_start or self.last_start
                self._changed.notify_all()
                self._changed.wait_for(lambda: self._may_finish(index), probe.HOLD_LIMIT)
            line.send("fail" if index in self.fail else "go")
            _, _, _, ended = line.recv()
            with self._changed:
                self.runs[index][2] = ended
                self.last_change = time.monotonic()
                self.running.discard(index)
                self.finished.append(index)
                self._changed.notify_all()
            line.send("counted")
        except (EOFError, OSError):
            pass  # the task's process was terminated, or the test is over

    def _may_finish(self, index):
        return (
            index not in self.hold
            or index in self._released
            or self._everyone_released
            or self._closing
        )

    # --- what the test's director thread does while run_all runs ---------------------

    def wait_until_running(self, count):
        """Wait until `count` tasks run at once. False if that is not going to happen:
        run_all is over, no task started within BOOT seconds or none started for
        PATIENCE seconds since the latest, or for STALLED seconds every live process has
        been running a task or waiting, idle, and there are fewer than `count`.

        Idle: asleep, and not one tick of CPU for IDLE seconds. A worker still starting
        up (spawn and forkserver workers import modules first, slowly on a busy machine)
        is using the CPU or waiting for it; a started worker of a pool that was handed
        the jobs takes one at once. So a worker asleep while jobs wait means the jobs were
        never handed to the pool, one at a time, instead of all at once."""
        all_busy_since = None
        quiet = {}  # pid -> (its CPU seconds, since when they have not moved)
        with self._changed:
            while len(self.running) < count:
                now = time.monotonic()
                if self.last_start is None:
                    given_up = now - self._created > BOOT
                else:
                    given_up = now - self.last_start > PATIENCE
                if self._call_over or given_up:
                    return False
                busy = len(self.running)
                working = {self.runs[index][0] for index in self.running}
                waiting = [p.pid for p in multiprocessing.active_children() if p.pid not in working]
                if busy and all(_idle(pid, now, quiet) for pid in waiting):
                    all_busy_since = all_busy_since or now
                    if now - all_busy_since > STALLED:
                        return False
                else:
                    all_busy_since = None
                self._changed.wait(0.05)
            return True

    def watch_for_more(self, count, seconds):
        """With `count` tasks held, give a (count+1)th task `seconds` to start, if it can.

        The look ends after timing.GLIMPSE when nothing is left that could start one:
        every live child process of this one (timing.descendants()) is running one of
        the held tasks, and none runs in this process (a thread could start another).
        A process to spare (a pool bigger than k, a process per job, one still booting)
        gets the whole `seconds`."""
        began = time.monotonic()

        def more():
            return len(self.running) > count or self._call_over

        with self._changed:
            if self._changed.wait_for(more, min(timing.GLIMPSE, seconds)):
                return
            busy = {self.runs[index][0] for index in self.running}
        if os.getpid() not in busy and {p.pid for p in timing.descendants()} <= busy:
            return
        with self._changed:
            self._changed.wait_for(more, max(0.0, seconds - (time.monotonic() - began)))

    def newest_running(self):
        with self._changed:
            return max(self.running)

    def release(self, index):
        with self._changed:
            self._released.add(index)
            self._changed.notify_all()

    def release_all(self):
        with self._changed:
            self._everyone_released = True
            self._changed.notify_all()

    def wait_until_finished(self, index):
        with self._changed:
            return self._changed.wait_for(
                lambda: index in self.finished or self._call_over, timing.SOON
            ) and index in self.finished

    def finished_count(self):
        with self._changed:
            return len(self.finished)

    # --- the test's side ---------------------------------------------------------------

    def run_all(self, count, workers, *, director=None, seconds=BOOT + 2 * PATIENCE, explain=STUCK,
                make_jobs=jobs, after_first_start=None, **kwargs):
        """Call workpool.run_all on `count` jobs (made by `make_jobs`) while `director`
        (if any) steers the tasks. It must return within `seconds`, and within
        `after_first_start` seconds of the first task's start, if that is given; and it
        is stuck once, for timing.SOON, it has had no live child process and no task
        has started or ended (no worker to run a task, nothing happening)."""
        directing = None
        if director is not None:
            directing = threading.Thread(target=director, args=(self,), name="director", daemon=True)
            directing.start()
        try:
            call = Call(workpool.run_all, self.task, make_jobs(count), workers,
                        name="calling run_all", changed=self._changed, **kwargs)
            began = time.monotonic()
            deadline = began + seconds
            watch = timing.ChildWatch(seconds)
            idle = False
            while not call.done:
                limit = deadline
                if self.first_start is not None and after_first_start is not None:
                    limit = min(deadline, self.first_start + after_first_start)
                left = limit - time.monotonic()
                if left <= 0:
                    break
                idle = min(watch.none_for(), time.monotonic() - self.last_change) > timing.SOON
                if idle:
                    break
                with self._changed:
                    self._changed.wait(min(0.05, left))
            if not call.done:
                guard.excuse(call.thread)  # reported here; the leak check need not repeat it
                waited = time.monotonic() - began
                how = f", with no worker process alive and no task running for {timing.SOON:g} s" if idle else ""
                pytest.fail(messages.stuck_report(
                    f"run_all has not returned {waited:.1f} s after it was called{how}:", [call.thread], explain
                ), pytrace=False)
            return call.finish(timing.AT_ONCE, "run_all", explain)  # done is set a moment before the thread ends
        except ValueError as exc:
            if "still running" in str(exc):
                self._left_open = True  # its workers wait for jobs: no use waiting for them
                raise AssertionError(f"{JOIN_BEFORE_CLOSE}\n{self.timeline()}") from None
            raise
        except TypeError as exc:
            if "call() missing" in str(exc) or "call() takes" in str(exc):
                raise AssertionError(f"run_all raised TypeError: {exc}. {ONE_ARGUMENT}") from None
            raise
        finally:
            with self._changed:
                self._call_over = True
                self._changed.notify_all()
            if directing is not None:
                directing.join(timing.SOON)

    def pids(self):
        with self._changed:
            return {pid for pid, _, _ in self.runs.values()}

    def worker_pids(self):
        """The processes other than this one that ran a task: the pool's workers."""
        return self.pids() - {os.getpid()}

    def timeline(self, width=60):
        """Which worker ran which task, when: one row per worker process."""
        with self._changed:
            runs = {index: list(run) for index, run in self.runs.items()}
        if not runs:
            return "No task ever started."
        now = time.monotonic()
        for run in runs.values():
            run[2] = run[2] or now  # still running: drawn up to now
        first = min(start for _, start, _ in runs.values())
        column = max(max(end for _, _, end in runs.values()) - first, 1e-6) / width
        pids = sorted({pid for pid, _, _ in runs.values()}, key=lambda p: min(
            start for pid, start, _ in runs.values() if pid == p))
        rows = []
        for number, pid in enumerate(pids, 1):
            cells = [" "] * width
            for index, (owner, start, end) in sorted(runs.items(), key=lambda item: item[1][1]):
                if owner == pid:
                    left = min(width - 1, int((start - first) / column))
                    right = max(left + 1, min(width, int((end - first) / column)))
                    cells[left:right] = _symbol(index) * (right - left)
            rows.append((f"worker {number} (pid {pid})", "".join(cells)))
        at_once = ""
        for c in range(width):
            middle = first + (c + 0.5) * column
            n = sum(1 for _, start, end in runs.values() if start <= middle < end)
            at_once += str(min(n, 9)) if n else " "
        rows.append(("tasks at once", at_once))
        label = max(len(name) for name, _ in rows)
        return (
            f"Which worker ran which task, when (one column = {column * 1000:.1f} ms; "
            "a task is shown by its number):\n"
            + "\n".join(f"  {name:>{label}} |{cells}|" for name, cells in rows)
        )

    def close(self):
        """Let every held task finish, and stop answering the phone."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        try:
            Client(self._listener.address).close()  # wakes accept()
        except OSError:
            pass
        self._accepting.join(timing.SOON)
        self._listener.close()
        deadline = time.monotonic() + timing.SOON
        for thread in list(self._threads):
            thread.join(max(0.0, deadline - time.monotonic()))
        for line in self._lines:
            line.close()
        # A pool that run_all closed but did not join: give its workers, their tasks now
        # let go, a moment to exit by themselves. Killed instead (the harness kills what a
        # test leaves), a worker can die holding one of the pool's locks, and the pool's
        # own clean-up at interpreter exit would then wait for that lock for ever.
        deadline = time.monotonic() + (0.0 if self._left_open else timing.AT_ONCE)
        while time.monotonic() < deadline and any(
            what == "still running" for what in still_there(self.worker_pids()).values()
        ):
            time.sleep(0.02)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _idle(pid, now, quiet):
    """Whether process `pid` has been asleep, using no CPU, for IDLE seconds (`quiet`
    remembers what each was seen using, and since when). Where psutil cannot tell a
    sleeping process from a running one (macOS, Windows: kata.platform), the CPU time
    alone tells: a worker still booting uses it, or soon gets a CPU to use."""
    try:
        process = psutil.Process(pid)
        asleep = process.status() == psutil.STATUS_SLEEPING if platform.PROCESS_SLEEPING else True
        times = process.cpu_times()
    except psutil.Error:
        return False
    used = times.user + times.system
    if not asleep or quiet.get(pid, (None,))[0] != used:
        quiet[pid] = (used, now)
        return False
    return now - quiet[pid][1] >= IDLE


def _symbol(index):
    return "0123456789abcdefghijklmnopqrstuvwxyz"[index % 36]


def hold_until_k_run_at_once(k):
    """A director: hold every task until k run at once, look for a (k+1)th, then let all go."""

    def direct(board):
        if board.wait_until_running(k):
            board.watch_for_more(k, EXTRA_LOOK)
        board.release_all()

    return direct


def finish_newest_first(k, total):
    """A director: each time every worker is busy, let the newest running task finish first."""

    def direct(board):
        while board.finished_count() < total:
            if not board.wait_until_running(min(k, total - board.finished_count())):
                break
            newest = board.newest_running()
            board.release(newest)
            if not board.wait_until_finished(newest):
                break
        board.release_all()

    return direct


def still_there(pids):
    """Of these worker pids, those whose process still exists: pid -> what it is doing."""
    left = {}
    for pid in sorted(pids):
        try:
            zombie = psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            continue
        except psutil.Error:  # there, but not ours to look at
            zombie = False
        left[pid] = "exited, but never joined (a zombie)" if zombie else "still running"
    return left


def never_joined(pids):
    """Of these worker pids, those whose Process this process started and never joined.

    multiprocessing keeps every Process it started on a list until join() (or a look at
    is_alive() after it ended) takes it off: what is still there was never waited for.
    Under forkserver the workers are the forkserver's children, so an exited worker
    leaves no zombie here, but it stays on that list all the same.
    """
    children = list(getattr(multiprocessing.process, "_children", ()))
    return {p.pid for p in children if p.pid in pids}


def left_behind(pids):
    """What is left of these worker processes: pid -> still running, a zombie, or never
    joined."""
    left = still_there(pids)
    for pid in sorted(never_joined(pids) - set(left)):
        left[pid] = "exited, but never joined (join() was not called)"
    return left


def describe(left):
    return ", ".join(f"pid {pid} {what}" for pid, what in left.items())


def k_at_once_message(board, k):
    processes = board.most_processes
    if processes < k:
        why = (
            f"Only {processes} worker process{'es' if processes != 1 else ''} were ever alive: "
            "the pool is smaller than `workers`. Create it with Pool(processes=workers)."
        )
    else:
        why = (
            f"{processes} processes were alive, yet the tasks ran one after another: hand "
            "the pool every job with apply_async before you get() any result. With a get() "
            "right after each apply_async, or a new Pool per job, each task is waited for "
            "before the next one starts."
        )
    return (
        f"run_all(task, jobs, {k}) should run {k} tasks at once when it has enough jobs, "
        f"but the most that ever ran at the same time was {board.peak} (every task was "
        f"held, running, until {k} ran together or until it was clear no more would "
        f"start). {why}\n{board.timeline()}"
    )


def check_results(results, count, board):
    expected = expected_results(count)
    ran = sorted(board.finished)
    if type(results) is list and list(results) == expected and ran == list(range(count)):
        if all(type(r) is str for r in results):
            return
    if type(results) is list and list(results) == expected:
        raise AssertionError(
            f"run_all returned the right-looking {results!r}, yet the tasks that finished "
            f"were {ran}, not all {count} of them: each result must be what task(*job) "
            f"returned, run in the pool.\n{board.timeline()}"
        )
    if isinstance(results, list) and sorted(map(str, results)) == sorted(expected):
        hint = (
            "Every result is there, but in the order the tasks finished, not the order of "
            "the jobs (a callback that appends, imap_unordered, or taking whichever result "
            "is ready first). Keep the AsyncResult of each apply_async in a list, in job "
            "order, and get() them in that order."
        )
    elif type(results) is not list:
        hint = (
            f"It returned a {type(results).__name__}, not a list: return a new list with "
            "one result per job, what the task returned for it."
        )
    else:
        hint = "Return a list with one result per job: what the task returned for it."
    raise AssertionError(
        f"run_all returned {results!r}; expected {expected!r}, the result of each job in "
        f"the order the jobs were given. {hint}\n{board.timeline()}"
    )


def test_results_come_back_in_the_order_of_the_jobs():
    count, workers = 6, 2
    with Switchboard(hold=range(count)) as board:
        results = board.run_all(count, workers, director=finish_newest_first(workers, count))
        finished = list(board.finished)
        assert finished != sorted(finished), (
            "To test the order of the results, the tasks had to finish out of order: "
            "each time all workers were busy, the newest task was let finish first. "
            + k_at_once_message(board, workers)
        )
        check_results(results, count, board)


def test_never_more_than_k_tasks_run_at_once_and_k_do():
    count = 2 * WORKERS + 1
    with Switchboard(hold=range(count)) as board:
        results = board.run_all(count, WORKERS, director=hold_until_k_run_at_once(WORKERS))
        assert board.peak <= WORKERS and board.most_processes <= WORKERS, (
            f"run_all(task, jobs, {WORKERS}) must never run more than {WORKERS} tasks at "
            f"once, yet up to {board.peak} tasks ran at the same time, in up to "
            f"{board.most_processes} processes. Unbounded: a Process per job, a Pool sized "
            "to the number of jobs, or Pool() with no size (that is os.cpu_count() "
            f"processes). Create the Pool with processes=workers.\n{board.timeline()}"
        )
        assert board.peak == WORKERS, k_at_once_message(board, WORKERS)
        check_results(results, count, board)


def test_a_pool_of_one_runs_one_task_at_a_time():
    count = 3
    with Switchboard(hold=range(count)) as board:
        results = board.run_all(count, 1, director=hold_until_k_run_at_once(1))
        assert board.peak == 1 and board.most_processes <= 1, (
            f"run_all(task, jobs, 1) should run the tasks one at a time in one worker "
            f"process; {board.peak} tasks ran at once, in up to {board.most_processes} "
            "processes. Pass `workers` on to the Pool: Pool() without a size starts "
            f"os.cpu_count() processes ({os.cpu_count()} here).\n{board.timeline()}"
        )
        check_results(results, count, board)


def test_the_k_workers_are_reused_job_after_job():
    count, workers = 12, 2
    with Switchboard() as board:
        results = board.run_all(count, workers)
        pids = board.pids()
        assert os.getpid() not in pids, (
            "a task ran in the test's own process, the one that called run_all: the jobs "
            "must run in the pool's worker processes (pool.apply_async(task, job)), not "
            f"be called directly.\n{board.timeline()}"
        )
        assert len(pids) <= workers, (
            f"{count} tasks ran in {len(pids)} different processes, with workers="
            f"{workers}. A pool starts its {workers} worker processes once, and each "
            "worker takes job after job from the pool's queue: that is the point of a "
            "pool. A new process (or a new Pool) per job pays for starting a process every "
            f"time.\n{board.timeline()}"
        )
        check_results(results, count, board)


def test_the_pool_is_closed_and_joined_before_run_all_returns():
    with Switchboard() as board, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        try:
            results = board.run_all(4, 2)
            left = left_behind(board.worker_pids())
            unclosed = [str(w.message) for w in caught if "unclosed" in str(w.message)]
            assert not left, (
                f"run_all returned, but worker processes that ran its tasks are still "
                f"there: {describe(left)}. "
                + (f"Python warned: {unclosed[0]!r}. " if unclosed else "")
                + SHUT_DOWN
            )
            check_results(results, 4, board)
        finally:
            for warning in caught:  # the unclosed pool the warning kept alive, if any
                if isinstance(warning.source, multiprocessing.pool.Pool):
                    warning.source.terminate()


def test_a_failing_task_raises_its_exception_in_the_caller():
    # One worker, and the last job fails: every other task is over by then, so however
    # run_all shuts the pool (close() and join(), or terminate()), no task is cut off
    # while it sends its result back (see "terminate() and a result on its way" in the
    # README).
    count = 4
    with Switchboard(fail={count - 1}) as board:
        try:
            results = board.run_all(count, 1)
        except probe.TaskFailed as exc:
            error = exc
        except (NotImplementedError, AssertionError):
            raise
        except Exception as exc:
            raise AssertionError(
                f"task {count - 1} raised TaskFailed, and run_all raised "
                f"{type(exc).__name__}({exc}) instead. Let the task's own exception reach "
                "the caller: AsyncResult.get() raises it, in the caller, as it is."
            ) from exc
        else:
            raise AssertionError(
                f"task {count - 1} raised TaskFailed('task {count - 1} (job-{count - 1}) "
                f"failed on purpose'), but run_all returned {results!r} as if all went "
                "well: the error was swallowed. AsyncResult.get() raises the task's "
                "exception in the caller; don't catch it, and don't leave a result un-got "
                "(an apply_async whose result nobody asks for fails in silence)."
            )
        assert f"task {count - 1}" in str(error), (
            f"run_all raised TaskFailed({error}), not the one task {count - 1} raised"
        )
        left = left_behind(board.worker_pids())
        assert not left, (
            f"run_all raised task {count - 1}'s error, but the worker process of its pool "
            f"is still there: {describe(left)}. On the way out with an exception, shut the "
            "pool too: in a finally block, or with a with block. " + SHUT_DOWN
        )


def test_a_late_result_raises_timeout_error_and_stops_the_pool():
    # Both tasks are held until the test ends: their results never come.
    with Switchboard(hold={0, 1}) as board:
        started = time.monotonic()
        try:
            results = board.run_all(
                2,
                2,
                timeout=TIMEOUT,
                seconds=TIMEOUT + PATIENCE,
                # get(timeout) began before the first task started, so a right answer
                # raises within TIMEOUT of that start; terminate() and join() need a moment.
                after_first_start=TIMEOUT + SHUT_DOWN_SECONDS,
                explain=(
                    f"run_all(..., timeout={TIMEOUT}) was still waiting for tasks that never "
                    "finish. Pass the timeout on to get(timeout), which raises "
                    "multiprocessing.TimeoutError, and then terminate() the pool: close() "
                    "and join() would wait for the stuck tasks for ever."
                ),
            )
        except multiprocessing.TimeoutError:
            pass
        else:
            raise AssertionError(
                f"the tasks never finished, yet run_all(..., timeout={TIMEOUT}) returned "
                f"{results!r} instead of raising multiprocessing.TimeoutError"
            )
        took = time.monotonic() - started
        left = left_behind(board.worker_pids())
        assert not left, (
            f"run_all raised TimeoutError after {took:.2f} s, but worker processes of its "
            f"pool are still there: {describe(left)}. The late tasks are still running: "
            "terminate() the pool, then join() it. " + SHUT_DOWN
        )


def edge_call(board, count, workers, call, **kwargs):
    """board.run_all(count, workers, **kwargs), with a lesson for what an edge case raises."""
    try:
        return board.run_all(count, workers, **kwargs)
    except (NotImplementedError, AssertionError):
        raise
    except Exception as exc:
        if isinstance(exc, ValueError) and "at least 1" in str(exc):
            why = (
                "Pool(0) raises ValueError: a pool sized to the number of jobs "
                "(min(workers, len(jobs))) has no process to start when there are no "
                "jobs. Make the pool of `workers` processes: the idle ones cost little."
            )
        elif isinstance(exc, TypeError) and "len()" in str(exc):
            why = (
                "len() does not work on every iterable: `jobs` may be a generator or an "
                "iterator. Go through it once (a list comprehension, or list(jobs)), and "
                "size the pool by `workers`."
            )
        else:
            why = "An edge case is not an error: handle it like any other call."
        raise AssertionError(f"{call} raised {type(exc).__name__}: {exc}. {why}") from None


def test_no_jobs_or_fewer_jobs_than_workers_still_work():
    # No jobs at all: an empty list back, and no worker left behind.
    before = set(getattr(multiprocessing.process, "_children", ()))
    with Switchboard() as board:
        results = edge_call(board, 0, 2, "run_all(task, [], 2)")
        assert type(results) is list and results == [], (
            f"run_all(task, [], 2) returned {results!r}; with no jobs there is nothing to "
            "run, and the answer is an empty list []. (A Pool sized to the number of jobs "
            "has no processes here, and Pool(0) raises ValueError.)"
        )
    new = [p for p in getattr(multiprocessing.process, "_children", ()) if p not in before]
    left = left_behind({p.pid for p in new})
    assert not left, (
        f"run_all(task, [], 2) returned [], but processes it started are still there: "
        f"{describe(left)}. With no jobs too, shut the pool you made. " + SHUT_DOWN
    )
    # More workers than jobs, the jobs given as an iterator (any iterable will do), and
    # timeout=None said out loud: two results, in order.
    with Switchboard() as board:
        results = edge_call(
            board, 2, 5, "run_all(task, iter(jobs), 5, timeout=None) with 2 jobs",
            make_jobs=lambda n: iter(jobs(n)), timeout=None,
        )
        check_results(results, 2, board)


def test_a_result_that_comes_within_the_timeout_is_returned():
    # The tasks are held until one runs, then a moment more (timing.GLIMPSE): the timeout
    # is long enough for all of that, so run_all must wait for them and return their
    # results. (Waiting for both to run would cost a wrong answer that runs one task at a
    # time PATIENCE seconds, for another test's verdict.)
    late = timing.GLIMPSE

    def direct(board):
        if board.wait_until_running(1):
            time.sleep(late)  # the results come late, but well within the timeout
        board.release_all()

    timeout = BOOT + PATIENCE
    with Switchboard(hold={0, 1}) as board:
        started = time.monotonic()
        try:
            results = board.run_all(2, 2, director=direct, timeout=timeout, seconds=timeout + PATIENCE)
        except multiprocessing.TimeoutError:
            raise AssertionError(
                f"run_all(..., timeout={timeout:g}) raised multiprocessing.TimeoutError after "
                f"{time.monotonic() - started:.2f} s, though the tasks ended after about "
                f"{late} s. A timeout is how long to wait, not a reason to stop waiting at "
                "once: pass it to get(timeout), which waits up to that long for each result "
                "(not get(0), and not one look at ready()).\n" + board.timeline()
            ) from None
        check_results(results, 2, board)
