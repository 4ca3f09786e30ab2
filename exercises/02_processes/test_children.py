"""Tests for 02_processes. Run them with:  pytest exercises/02_processes

The jobs these tests hand to run_children live in kata/probes/children.py, at the top
level of a module, so that a child started with spawn or forkserver can import them.
They report from inside the child (its pid, its parent, its name, when it started)
through a multiprocessing.Queue, so "did it run in a new process?" has an exact answer.
Each job also refuses to run in the test's own process: called there, it raises.
"""

import multiprocessing
import multiprocessing.connection
import multiprocessing.process
import os
import queue
import signal
import threading
import time

import pytest

import kata.timing as timing
from kata import Call, finishes_within, implementation, platform, processes
from kata.probes import children as probe

children = implementation("children")

# Every bound comes from kata.timing: SOON for what a right answer does at once with no
# child to start, timing.child_ready() for children to start (a forked child is a copy of
# a running process; under spawn and forkserver each boots an interpreter and imports
# modules first, which on a busy machine takes seconds).
#
# The timeout given to run_children when children never end. It is an input, not a wait
# on your code: one deadline for all ends this long after the last start, and wrongly
# giving it to each of STUCK children ends STUCK times later, so a short one shows the
# difference as well as a long one. Stopping a child takes a moment more (longer when it
# is still booting an interpreter), hence longer under spawn and forkserver.
HUNG_TIMEOUT = (0.3 if timing.boots_children() else 0.1) * timing.SCALE
STUCK = 4  # children that never end, in the one-deadline test
# How long run_children may take, after its deadline, to stop its children: a grace of a
# second or two between terminate() and kill() is as right as a short one.
STOP_GRACE = timing.SOON + timing.AT_ONCE

# Each test waits for children with its own bounds (a few times child_ready() at most);
# the time limit of a test is only the last line of defence, so it must be longer.
pytestmark = pytest.mark.timeout(4 * timing.child_ready() + 5)


def replies(replies_queue, count, seconds):
    """Up to `count` replies the children put on the queue, waiting at most `seconds` in all."""
    got = []
    deadline = time.monotonic() + seconds
    while len(got) < count:
        try:
            got.append(replies_queue.get(timeout=max(0.0, deadline - time.monotonic())))
        except queue.Empty:
            break
    return got


MARK = "the test's own mark: nothing was put after this"


def sent_before_mark(replies_queue):
    """Everything already put on the queue by this thread, with no wait for what never
    comes: the test puts a mark of its own and reads up to it (one thread's puts arrive
    in the order they were made)."""
    replies_queue.put(MARK)
    got = []
    for item in iter(lambda: replies(replies_queue, 1, timing.SOON), []):
        if item == [MARK]:
            break
        got += item
    return got


def meaning(exitcode):
    if exitcode is None:
        return "None: nobody saw the child end (never joined, or still running)"
    if exitcode < 0:
        return f"{exitcode}: killed by {signal.Signals(-exitcode).name}"
    return {0: "0: success", 1: "1: an uncaught exception"}.get(exitcode, f"{exitcode}: sys.exit({exitcode})")


EXIT_CODES = (
    "Process.exitcode is None until the child has ended and been joined; then 0 if the "
    "target returned (what it returned is thrown away), 1 if an exception ended it, n if "
    "it called sys.exit(n), and -N if signal N killed it (terminate() sends SIGTERM, "
    "kill() SIGKILL)."
    + (
        "" if platform.SIGKILL else " Windows has no signals: terminate() and kill() are the "
        "same call there (TerminateProcess), and multiprocessing reports -15 (-SIGTERM) for both."
    )
)
# How multiprocessing reports a child that was killed: -9 (SIGKILL) on POSIX; on Windows,
# where kill() is terminate(), -15. A stopped child (terminate(), then kill() if need be)
# shows one of STOPPED: -15 or -9 (the simulated Windows still kills with SIGKILL below).
KILLED = -signal.SIGTERM if not platform.SIGKILL else -signal.SIGKILL
STOPPED = (-signal.SIGTERM, -9)


def test_an_exit_code_says_how_a_child_ended():
    # The signals this system has: SIGKILL and SIGHUP are POSIX's; signal number 1 is
    # SIGHUP there, and CTRL_BREAK_EVENT on Windows (a member of signal.Signals there).
    smallest = min(s for s in signal.Signals if s > 0)
    cases = [  # exit code, succeeded, killed_by
        (0, True, None),
        (1, False, None),
        (3, False, None),
        (255, False, None),
        *([(-signal.SIGKILL, False, signal.SIGKILL)] if platform.SIGKILL else []),
        (-signal.SIGTERM, False, signal.SIGTERM),
        (-signal.SIGSEGV, False, signal.SIGSEGV),
        (-smallest, False, smallest),  # -1: the smallest signal number
        (None, False, None),
    ]
    wrong = []
    for exitcode, succeeded, killed_by in cases:
        report = children.ChildReport("job", 4242, exitcode)
        got = []
        for field in ("succeeded", "killed_by"):
            try:
                got.append(getattr(report, field))
            except Exception as exc:  # shown in the table below, with the other cases
                got.append(f"raised {type(exc).__name__}: {exc}")
        # Types as well as values: a signal is a signal.Signals (an IntEnum, so the number
        # -exitcode would compare equal to it), and succeeded is a bool.
        right = type(got[0]) is bool and got[0] == succeeded and (
            got[1] is None if killed_by is None else type(got[1]) is signal.Signals and got[1] == killed_by
        )
        if not right:
            wrong.append(
                f"  exit code {exitcode!s:>4}: succeeded={got[0]!r} ({type(got[0]).__name__}), "
                f"killed_by={got[1]!r} ({type(got[1]).__name__}); expected "
                f"succeeded={succeeded!r}, killed_by={killed_by!r}"
            )
    assert not wrong, (
        "ChildReport misreads some exit codes:\n" + "\n".join(wrong) + "\n" + EXIT_CODES
        + " Only 0 is a success: None means nobody knows yet, and `not exitcode` is True "
        "for None too. Only a negative code names a signal: exit code 3 is sys.exit(3), "
        "not SIGQUIT. succeeded is a bool (True or False), and killed_by is a "
        "signal.Signals member, signal.Signals(-exitcode), which names the signal, not a "
        "bare number."
    )


def test_check_all_names_every_child_that_did_not_succeed():
    exit_codes = {"fine": 0, "crashed": 1, "gave up": 3, "killed": KILLED, "not joined": None}
    reports = {name: children.ChildReport(name, 4000 + i, code) for i, (name, code) in enumerate(exit_codes.items())}
    try:
        children.check_all(reports)
    except children.ChildFailed as exc:
        failures = exc.failures
    else:
        raise AssertionError(
            "check_all returned quietly for children that exited with 1, 3, -9 and None: "
            "it should raise ChildFailed. A child's failure never reaches the parent as an "
            "exception; its exit code is all there is, so ignoring it loses the failure."
        )
    expected = {name: code for name, code in exit_codes.items() if code != 0}
    assert failures == expected, (
        f"ChildFailed.failures is {failures}; expected {expected}. Every exit code other "
        "than 0 is a failure: a positive one (an exception, sys.exit(n)), a negative one "
        "(killed by a signal) and None (no one saw the child end)."
    )
    assert type(failures) is dict and failures == expected, (
        f"ChildFailed.failures should be a dict {expected}, got {failures!r}"
    )
    fine = {"a": children.ChildReport("a", 4100, 0), "b": children.ChildReport("b", 4101, 0)}
    assert children.check_all(fine) is None, "check_all should return None when every child succeeded"
    assert children.check_all({}) is None, (
        "check_all({}) should return None: with no children, none failed"
    )


def test_each_job_runs_in_a_child_process_of_its_own():
    me = os.getpid()
    none = finishes_within(timing.SOON, children.run_children, {}, 1.0, explain="run_children({}, 1.0) has no child to wait for")
    assert type(none) is dict and none == {}, f"run_children({{}}, 1.0) should return {{}}: no jobs, no reports; it returned {none!r}"
    method = multiprocessing.get_start_method()
    replies_queue = multiprocessing.Queue()
    try:
        reports = children.run_children(
            {
                "first": (probe.tell_who_i_am, (me, replies_queue)),
                "second": (probe.tell_who_i_am, (me, replies_queue)),
            },
            timing.child_ready(),
        )
        assert sorted(reports) == ["first", "second"], (
            f"run_children should return one ChildReport per job, by job name; it returned {reports!r}"
        )
        for name, report in reports.items():
            assert report.pid not in (None, me), (
                f"the report for {name!r} says pid {report.pid}, and this test's own pid is {me}: "
                "the job did not run in a child process. Process.start() makes the child, and "
                "Process.pid is its pid."
            )
            assert report.exitcode == 0, (
                f"the report for {name!r} says exit code {meaning(report.exitcode)}; the job "
                f"returned normally, so it should be 0. {EXIT_CODES}"
            )
        # Each child put its reply on the queue before it ended, so the replies are there.
        seen = {reply["name"]: reply for reply in replies(replies_queue, 2, timing.child_ready())}
    finally:
        replies_queue.close()
    assert sorted(seen) == ["first", "second"], (
        f"inside the children, multiprocessing.current_process().name was {sorted(seen)}; "
        "expected the job names ['first', 'second']. Name each Process after its job: "
        "Process(target=..., args=..., name=name)."
    )
    for name in ("first", "second"):
        report, inside = reports[name], seen[name]
        assert report.pid == inside["pid"], (
            f"the report for {name!r} says pid {report.pid}, but in the child os.getpid() "
            f"was {inside['pid']}: report the child's Process.pid (known once it is started)"
        )
        assert inside["parent"] == me, (
            f"multiprocessing.parent_process() in {name!r} was pid {inside['parent']}, not "
            f"this test's process ({me}): the child should be started by run_children"
        )
        if method != "forkserver":  # a forkserver child's os.getppid() is the server's pid
            assert inside["ppid"] == me, (
                f"os.getppid() in {name!r} was {inside['ppid']}, not this test's pid {me}"
            )
    assert seen["first"]["pid"] != seen["second"]["pid"], "both jobs ran in the same process"


def test_all_children_are_started_before_any_is_waited_for():
    me = os.getpid()
    wait = timing.child_ready()
    barrier = multiprocessing.Barrier(2)  # each child waits here, up to `wait`, for the other
    replies_queue = multiprocessing.Queue()
    try:
        reports, _ = watched(
            children.run_children,
            {
                "left": (probe.meet, (me, barrier, wait, replies_queue)),
                "right": (probe.meet, (me, barrier, wait, replies_queue)),
            },
            2 * wait,
            children_count=2,
            what="run_children(two children that wait for each other)",
            on_stuck=barrier.abort,  # the waiting child gives up (exit code 3), and so on
            explain=(
                "run_children started one child and is waiting for it before it starts the "
                "other; but the two children wait for each other, so the first can never end "
                "on its own. Starting and joining each in turn runs them one after another: "
                "start every child first, then wait for them."
            ),
        )
        codes = {name: report.exitcode for name, report in reports.items()}
        # Only for the report: what the children did, and when (they ended, so it is there).
        events = [] if codes == {"left": 0, "right": 0} else sorted(replies(replies_queue, 4, timing.AT_ONCE))
    finally:
        replies_queue.close()
    if codes != {"left": 0, "right": 0}:
        first = events[0][0] if events else 0.0
        timeline = "\n".join(f"  {t - first:6.2f} s  {name:<6} {what}" for t, name, what in events)
        raise AssertionError(
            "two children that each wait for the other were never running at the same "
            f"time: their exit codes are {codes}. What they did, in order:\n{timeline}\n"
            "Start every child first, then wait for them: start() returns at once, join() "
            "waits. Starting and joining each in turn runs them one after another."
        )


def test_each_exit_code_says_how_the_child_ended():
    me = os.getpid()
    go = multiprocessing.Event()  # each child says it has started, then waits for this
    started = multiprocessing.Queue()
    held = (me, go, started)
    jobs = {
        "returns": (probe.succeed, held),
        "raises": (probe.fail, held),
        "exits with 3": (probe.exit_with, held + (3,)),
        "is killed": (probe.kill_myself, held),
    }
    expected = {"returns": 0, "raises": 1, "exits with 3": 3, "is killed": KILLED}
    outcome = {}

    def call_run_children():
        try:
            outcome["reports"] = children.run_children(jobs, 3 * timing.child_ready())
        except BaseException as exc:  # handed to the test below
            outcome["error"] = exc

    calls = []  # when each Process.start() was called (watching multiprocessing, not your module)
    original_start = multiprocessing.process.BaseProcess.start

    def start(process):
        calls.append(time.monotonic())
        original_start(process)

    patch = pytest.MonkeyPatch()
    patch.setattr(multiprocessing.process.BaseProcess, "start", start)
    caller = threading.Thread(target=call_run_children, name="calling run_children", daemon=True)
    caller.start()
    try:
        arrived = []
        deadline = time.monotonic() + timing.child_ready()
        while caller.is_alive() and len(arrived) < len(jobs) and time.monotonic() < deadline:
            if calls and len(calls) < len(jobs) and time.monotonic() - calls[-1] > timing.SOON:
                break  # it waits for a child before it starts the next: the rest come later
            arrived += replies(started, 1, 0.05)
        returned_early = not caller.is_alive()  # go is not set: no child can have ended yet
    finally:
        patch.undo()
        go.set()
        caller.join(2 * timing.child_ready())
        started.close()
    if "error" in outcome:
        raise outcome["error"]
    assert not returned_early, (
        f"run_children returned while its children were still running (they had started: "
        f"{sorted(arrived)}, and were waiting for this test's signal before ending). It must "
        "wait for every child (join) before it reports: until a child has ended and been "
        f"joined, its exit code is None. {EXIT_CODES}"
    )
    assert not caller.is_alive(), "run_children did not return after its children had ended"
    got = {name: report.exitcode for name, report in outcome["reports"].items()}
    if got != expected:
        rows = "\n".join(
            f"  {name:<13} expected {meaning(code):<32} got "
            + (meaning(got[name]) if name in got else "no report")
            for name, code in expected.items()
        )
        raise AssertionError(f"each child's exit code should say how it ended:\n{rows}\n{EXIT_CODES}")


def ended(process):
    """Has this started child ended? Asks its sentinel, which does not reap it."""
    try:
        return bool(multiprocessing.connection.wait([process.sentinel], 0))
    except (ValueError, OSError):  # closed by process.close(): it had ended
        return True


def watched(
    fn, *args, children_count=1, after_starts=None, after_ends=timing.SOON, what="", explain="", on_stuck=None,
    once_started=None,
):
    """fn(*args) in a helper thread, watched from outside; returns (value, waited).

    `waited` is how long the call ran after the last child's start() returned: a slow start
    (a fresh forkserver, spawn on a loaded machine) does not count against it. The call is
    stuck, and the test fails at once with where, if it is still running `after_starts`
    seconds after the last of `children_count` children started, or `after_ends` seconds
    after every child it started has ended (there is nothing left to wait for). It is stuck
    too if it starts no child within timing.SOON seconds, or waits that long after starting one
    child before it starts the next: a right answer starts them all at once. Starting may
    itself take up to timing.child_ready(). `on_stuck`, if given, is called first: it may free the
    call (which then returns as usual, and leaves nothing behind). `once_started(process)`,
    if given, runs in the caller's thread as each start() returns, before the call goes
    on: a test may hold the call there until a child is ready (not counted in `waited`).
    """
    started = []  # (process, when its start() returned)
    calls = []  # every start() called, returned or not (a fresh forkserver takes a while)
    original = multiprocessing.process.BaseProcess.start

    def start(process):  # watches multiprocessing itself, not your module
        calls.append(process)
        original(process)
        if once_started is not None:
            once_started(process)
        started.append((process, time.monotonic()))

    began = time.monotonic()
    all_ended_at = None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(multiprocessing.process.BaseProcess, "start", start)
        running = Call(fn, *args, name=f"calling {what.split('(')[0] or fn.__name__}")
        while not running.done:
            now = time.monotonic()
            if not calls and now - began > timing.SOON:
                break  # no child at all: a right answer starts its children at once
            if 0 < len(started) < children_count and len(calls) == len(started):
                if now - started[-1][1] > timing.SOON:
                    break  # it waits for one child before it starts the next
            last_start = started[-1][1] if len(started) >= children_count else None
            if last_start is not None and after_starts is not None and now - last_start > after_starts:
                break
            if started and all(ended(p) for p, _ in started):
                all_ended_at = all_ended_at or now
                if now - all_ended_at > after_ends:
                    break
            else:
                all_ended_at = None
            if now - began > timing.child_ready() + (after_starts or 0) + after_ends:
                break
            running.thread.join(0.01)
    if not running.done and on_stuck is not None:
        on_stuck()
        running.thread.join(timing.SOON)
    value = running.finish(0.5, what, explain)  # a last look: the watch above has decided
    return value, time.monotonic() - (started[-1][1] if started else began)


def run_watched(jobs, timeout, grace, explain, once_started=None):
    """children.run_children(jobs, timeout), watched (see watched()); returns (reports, waited)."""
    return watched(
        children.run_children, jobs, timeout, children_count=len(jobs), after_starts=timeout + grace,
        what=f"run_children(..., timeout={timeout:g})", explain=explain, once_started=once_started,
    )  # fmt: skip


def gone(pid):
    """True once no process (not even a zombie waiting to be reaped) has this pid.

    Waits a moment for it: on Windows, terminate() returns before the child has ended.
    (Not os.kill(pid, 0), which on Windows ends the process it asks about.)
    """
    return processes.gone(pid, timing.AT_ONCE)


def check_stopped(reports, names, lesson_for_none):
    """Each named child was stopped by a signal, reaped, and reported as such."""
    assert type(reports) is dict and sorted(reports) == sorted(names), (
        f"run_children should return a dict with one ChildReport per job {sorted(names)}; "
        f"it returned {reports!r}"
    )
    for name in names:
        report = reports[name]
        assert isinstance(report, children.ChildReport), (
            f"the report for {name!r} is {report!r}, not a ChildReport"
        )
        assert report.exitcode is not None, f"the child {name!r} is reported with exit code None: {lesson_for_none}"
        assert type(report.exitcode) is int and report.exitcode in STOPPED, (
            f"the child {name!r}, which never ends, should be stopped by SIGTERM (terminate()) "
            f"or SIGKILL (kill()), exit code -15 or -9"
            + ("" if platform.SIGKILL else " (on Windows -15 for both)")
            + f"; its report says {report.exitcode!r}"
        )
        assert type(report.pid) is int and gone(report.pid), (
            f"the stopped child {name!r} (pid {report.pid}) still exists: join it after "
            "stopping it, so that it is reaped"
        )


LEFT_RUNNING = (
    "it was left running. join(timeout) returns None whether or not the child ended; ask "
    "is_alive(), and stop a child that is still running: terminate() (then kill() if need "
    "be), then join() it, so that it is reaped and its exit code is known."
)


def test_a_child_still_running_at_the_timeout_is_stopped():
    me = os.getpid()
    stuck = [f"stuck {n}" for n in range(1, STUCK + 1)]
    explain = (
        f"run_children(..., timeout={HUNG_TIMEOUT:g}) is still waiting for children that "
        "never end. A plain join() waits for ever, and a hung child hangs its caller "
        "with it: join(timeout) waits at most that long (give each join what is left "
        "of one deadline)."
    )
    reports, waited = run_watched(
        {name: (probe.hang, (me, 60.0)) for name in stuck}, HUNG_TIMEOUT, timing.SOON, explain
    )
    check_stopped(reports, stuck, LEFT_RUNNING)
    # One deadline for all the waits: timed from the last start(). Halfway between one
    # timeout (and a moment to stop them) and one timeout per stuck child.
    assert waited < (STUCK + 1) / 2 * HUNG_TIMEOUT, (
        f"run_children(..., timeout={HUNG_TIMEOUT:g}) with {STUCK} children that never "
        f"end returned {waited:.2f} s after starting the last one; one deadline for all "
        f"the waits ends at {HUNG_TIMEOUT:g} s (plus a moment to stop them). join(timeout) "
        "for each child in turn waits timeout for each stuck child: "
        f"{STUCK} x {HUNG_TIMEOUT:g} s here, and an hour with 3600 children. Take "
        "deadline = time.monotonic() + timeout once, and give each join what is left: "
        "max(0, deadline - time.monotonic())."
    )

    # timeout=0: wait no time at all, not for ever. The child is stopped at once.
    reports, _ = run_watched(
        {"stuck": (probe.hang, (me, 60.0))},
        0,
        timing.SOON,
        "run_children(..., timeout=0) is still waiting for a child that never ends: "
        "timeout=0 means do not wait at all (join(0)), not wait for ever. Careful with "
        "`timeout or None`: 0 is falsy.",
    )
    check_stopped(reports, ["stuck"], LEFT_RUNNING)


DEAF = """
import os, signal, time
if os.getpid() == test_pid:
    raise RuntimeError("a job meant for a child process ran in the test's own process: "
                       "Process.run() calls the target right here; only start() makes a child")
signal.signal(signal.SIGTERM, signal.SIG_IGN)  # from here on, terminate() does nothing
deaf.set()
time.sleep(seconds)
"""


def test_a_child_that_ignores_sigterm_is_killed():
    me = os.getpid()
    # The job is Python's exec() of the code above: a builtin, so any child can unpickle
    # it. The child ignores SIGTERM and sets `deaf` once it does. A child stopped while
    # still starting would die of SIGTERM before it could ignore it, so the test holds
    # run_children in its last start() until the child is deaf (multiprocessing's start,
    # watched from outside: up to timing.child_ready() while both children live). The
    # deadline then passes with the child deaf, and what is waited is run_children's own
    # grace between terminate() and kill(), so a deadline that passes almost at once
    # shows it as well as a long one. Should the child still not be deaf (a design that
    # stops children from another thread while it starts them), the test tries again
    # with a longer timeout.
    tries = (HUNG_TIMEOUT / 5, timing.AT_ONCE, timing.CROWD)
    for timeout in tries:
        deaf = multiprocessing.Event()
        begun = []

        def until_deaf(process, deaf=deaf, begun=begun):
            begun.append(process)
            if len(begun) < 2:
                return  # the other child is not started yet: it may be the deaf one
            deadline = time.monotonic() + timing.child_ready()
            while not deaf.wait(0.005) and time.monotonic() < deadline and not any(map(ended, begun)):
                pass

        job = (exec, (DEAF, {"test_pid": me, "deaf": deaf, "seconds": 30.0}))
        reports, _ = run_watched(
            {"deaf": job, "stuck": (probe.hang, (me, 60.0))},
            timeout,
            STOP_GRACE,
            f"run_children(..., timeout={timeout:g}) has not returned {STOP_GRACE:g} s after "
            "its deadline. One of its children ignores SIGTERM, so terminate() does not "
            "end it, and a join() without a timeout after it waits for ever. After "
            "terminate(), join(timeout); if the child is still alive, kill() it (SIGKILL "
            "cannot be caught or ignored), then join() it.",
            once_started=until_deaf,
        )
        if deaf.is_set():
            break
    else:
        pytest.fail(
            "the child that ignores SIGTERM never got as far as ignoring it, in three tries "
            f"with timeouts of {', '.join(f'{t:g}' for t in tries)} s: is the machine very "
            "busy? Try again.",
            pytrace=False,
        )
    check_stopped(
        reports,
        ["deaf", "stuck"],
        "it ignores SIGTERM, so terminate() left it running. When join(timeout) after "
        "terminate() leaves the child alive, kill() it (SIGKILL cannot be caught or "
        "ignored), then join() it.",
    )
    # Windows has no SIGTERM to ignore: terminate() is TerminateProcess, which ends any
    # child (reported -15), so there the stopped child above is all there is to see.
    assert not platform.SIGKILL or reports["deaf"].exitcode == -signal.SIGKILL, (
        f"the child that ignores SIGTERM is reported with exit code {reports['deaf'].exitcode}: "
        "only SIGKILL (kill(), exit code -9) can end it"
    )


def test_a_childs_change_to_a_global_stays_in_the_child():
    method = multiprocessing.get_start_method()
    before = children.COUNTER
    children.COUNTER = 100  # this process's copy
    try:
        bumped, _ = watched(
            children.bump_in_child, 5, timing.child_ready(), what="bump_in_child(5, ...)",
            explain="bump_in_child did not return, and its child has ended: wait for the "
            "child, then take its reply, each with a timeout.",
        )  # fmt: skip
        after = children.COUNTER
    finally:
        children.COUNTER = before
    assert bumped.child_pid != os.getpid(), (
        f"bump_counter ran in this process (pid {bumped.child_pid}), not in a child, and "
        f"this process's COUNTER went from 100 to {after}: the bump happened here. start() "
        "a Process for it."
    )
    assert after == 100, (
        f"this process's COUNTER went from 100 to {after}: the bump happened here. A child "
        "process changes its own copy of the global, never the parent's."
    )
    assert bumped.in_parent == 100, (
        f"bump_in_child says the parent's COUNTER is {bumped.in_parent}, but it is 100: read "
        "COUNTER in this process once the child has ended, do not work out what it 'should' be"
    )
    starts_from = 100 if method == "fork" else 0
    assert bumped.in_child == starts_from + 5, (
        f"the child added 5 and reported COUNTER = {bumped.in_child}; under the {method!r} start "
        f"method it should be {starts_from + 5}. A forked child starts as a copy of its parent, "
        "so it sees the parent's COUNTER (100). A child started with spawn or forkserver is a "
        "fresh interpreter that imports children.py again, so COUNTER starts at the 0 written "
        "in the file. Use multiprocessing.Process (the start method the program chose), not "
        "a context you picked yourself."
    )


def test_a_child_that_fails_is_seen_through_its_exit_code():
    # First the worker itself, in this process: a negative count is refused, with nothing sent.
    before = children.COUNTER
    report = multiprocessing.Queue()
    try:
        try:
            children.bump_counter(-1, report)
        except ValueError:
            refused = True
        else:
            refused = False
        sent = sent_before_mark(report)
    finally:
        report.close()
        after, children.COUNTER = children.COUNTER, before
    assert refused, "bump_counter(-1, report) should raise ValueError: times must not be negative"
    assert not sent and after == before, (
        f"bump_counter(-1, report) raised, but first it put {sent} on the queue and changed "
        f"COUNTER from {before} to {after}: check times before you add or report anything"
    )
    # The exact limit: 0 is not negative. It adds nothing, and reports.
    report = multiprocessing.Queue()
    try:
        try:
            children.bump_counter(0, report)
        except ValueError as exc:
            pytest.fail(
                f"bump_counter(0, report) raised ValueError({exc}): only a negative count is "
                "refused, and 0 is not negative (it adds nothing)",
                pytrace=False,
            )
        sent = replies(report, 1, timing.SOON)
    finally:
        report.close()
        children.COUNTER = before
    assert sent == [(os.getpid(), before)], (
        f"bump_counter(0, report), run in this process with COUNTER at {before}, put {sent} "
        f"on the queue; expected [({os.getpid()}, {before})]: its pid and COUNTER"
    )

    reply_timeout = 2 * timing.child_ready()
    try:
        bumped, _ = watched(
            children.bump_in_child,
            -1,
            reply_timeout,
            what=f"bump_in_child(-1, {reply_timeout:g})",
            explain=(
                "bump_counter(-1, ...) raised ValueError in the child, which then exited with "
                "code 1 and will never reply, and bump_in_child is still waiting for the "
                "reply. Wait for the child instead, and check its exit code before you look "
                "for a reply."
            ),
        )
    except children.ChildFailed as exc:
        assert list(exc.failures.values()) == [1], (
            f"ChildFailed.failures is {exc.failures}; expected one child with exit code 1 "
            "(bump_counter raised ValueError)"
        )
    except queue.Empty:
        raise AssertionError(
            "bump_in_child raised queue.Empty: it looked for the child's reply without "
            "checking how the child ended. The child raised ValueError and exited with code "
            "1; raise ChildFailed with that exit code."
        ) from None
    else:
        raise AssertionError(
            f"bump_counter(-1, ...) raised ValueError in the child, yet bump_in_child "
            f"returned {bumped!r}. An exception in a child does not reach the parent: only "
            "its exit code (1) tells. Raise ChildFailed when the exit code is not 0."
        )
