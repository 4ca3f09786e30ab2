"""Tests for 09_shared_memory. Run them with:  pytest exercises/09_shared_memory

The referee processes these tests start get their pause (what Scoreboard.add calls
between reading a score and writing it back) from kata/probes/scoreboard.py:
- Window, in the race test, holds the first referee between its read and its write
  until a second referee has read too (or a moment has passed). With one lock shared by
  every process no second referee can get there; without it one always does, and a
  point is lost on every run, not once in a while.
- StallingPoints (a referee's list of points) keeps the first referee between two of
  its adds until the test lets go, so the test can see whether play() runs the other
  referees meanwhile and whether it waits for them.
"""

import contextlib
import ctypes
import multiprocessing
import multiprocessing.synchronize
import os
import pickle
import sys
import threading
import time
from multiprocessing import shared_memory

import pytest

import kata.timing as timing
from kata import Call, finishes_within, guard, implementation, messages
from kata.probes import scoreboard as probe

scoreboard = implementation("scoreboard")

# Every bound comes from kata.timing. The long one, timing.child_ready(), is waited out
# only for a referee process that is alive and has not yet said it started; once it has,
# a few adds take a moment (CROWD), and a referee that died is seen at once.
pytestmark = pytest.mark.timeout(3 * timing.CHILD_READY_BOOTED)
TORN_WATCH = 1.0  # window: how long the one-step test watches for the board's lock coming free too early

REFEREES = 2
ADDS_EACH = 4

REENTRANCY = (
    "add() is stuck waiting for a lock its own process already holds. A synchronized "
    "Array or Value takes its lock inside every single read and write (scores[i], "
    "total.value), so code that holds that same lock and then touches the array asks for "
    "it a second time. The default lock of Array and Value is a re-entrant "
    "multiprocessing.RLock, which allows that; a multiprocessing.Lock passed as lock=... "
    "does not. Keep the default (or an RLock), or hold a plain Lock and use RawArray and "
    "RawValue (no lock of their own) or get_obj() inside it."
)

NOT_SHARED = (
    "Each process has its own memory. A plain list, int or attribute is copied into the "
    "child (by fork, or by pickling under spawn and forkserver), and the child changes its "
    "copy only. Keep the scores in multiprocessing.Array and the total in "
    "multiprocessing.Value, made in the parent before the children start: they live in "
    "shared memory, which every process maps."
)


THREAD_LOCK = (
    "The board keeps a lock of the threading module ({names}). A threading lock lives in "
    "one process's memory and keeps out only the threads of that process: a forked child "
    "gets its own copy of it, which nobody else waits on, and spawn and forkserver cannot "
    "send it to a child at all (TypeError: cannot pickle '_thread.lock' object). Made once "
    "in the parent or not, it is not shared between processes. Use multiprocessing.Lock or "
    "multiprocessing.RLock (the Array's own get_lock() is one)."
)

_THREAD_LOCK_TYPES = (
    type(threading.Lock()), type(threading.RLock()), threading.Condition, threading.Semaphore,
)


def thread_lock_lesson(board) -> str:
    """The lesson about threading locks, if the board keeps one; otherwise ''."""
    names = [
        name for name, value in getattr(board, "__dict__", {}).items()
        if isinstance(value, _THREAD_LOCK_TYPES)
    ]
    return THREAD_LOCK.format(names=", ".join(f"self.{n}" for n in names)) if names else ""


@contextlib.contextmanager
def sending(board):
    """Turn a failure to send the board to a child process into a lesson."""
    try:
        yield
    except TypeError as exc:
        if "pickle" not in str(exc):
            raise
        lesson = thread_lock_lesson(board) or (
            "Under spawn and forkserver, a Process's target and arguments are pickled and "
            "sent to the child: the board must hold only things that can be sent that way "
            "(multiprocessing Array, Value, Lock, RLock), and the target must be a "
            "top-level function."
        )
        pytest.fail(f"starting a referee process failed with TypeError: {exc}. {lesson}", pytrace=False)


def board_locks(board) -> list:
    """The process locks the board keeps: its own, and those of its synchronized Array and
    Value (one entry per lock, however many attributes share it)."""
    found = []
    for value in getattr(board, "__dict__", {}).values():
        get_lock = getattr(value, "get_lock", None)
        lock = get_lock() if callable(get_lock) else value
        if isinstance(lock, multiprocessing.synchronize.SemLock) and all(lock is not f for f in found):
            found.append(lock)
    return found


def raw_numbers(board) -> list[int]:
    """Every one-number shared value the board keeps (its total, in any design), read
    straight from shared memory, taking no lock."""
    numbers = []
    for value in getattr(board, "__dict__", {}).values():
        raw = value.get_obj() if callable(getattr(value, "get_obj", None)) else value
        if isinstance(raw, ctypes._SimpleCData) and isinstance(raw.value, int):
            numbers.append(raw.value)
    return numbers


@pytest.fixture(autouse=True)
def _forkserver_booted():
    """Under forkserver, the server boots before the test watches your code (timing.warm_up)."""
    timing.warm_up()


def started_referee(board, *args, name="referee"):
    """A referee process running scoreboard.referee(board, *args), started; it says so
    (probe.after_gate, with its gate open) before it calls referee. Returns it and a
    function that waits for that word: up to timing.child_ready() while it lives, and
    failing the test at once if it ended first."""
    arrived, gate = multiprocessing.Semaphore(0), multiprocessing.Event()
    gate.set()
    child = multiprocessing.Process(
        target=probe.after_gate, args=(arrived, gate, scoreboard.referee, board, *args), name=name, daemon=True
    )
    with sending(board):
        child.start()
    # start() lets go of the arguments; under spawn and forkserver the child unpickles
    # them later, and a semaphore must still exist then: this process keeps them.
    child.kata_keeps = (arrived, gate)

    def wait_started():
        deadline = time.monotonic() + timing.child_ready()
        while not arrived.acquire(timeout=0.02):
            if not child.is_alive():
                pytest.fail(
                    f"the referee process ended (exit code {child.exitcode}) before it "
                    "could begin: see the captured stderr",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                stop([child], 0.0)
                pytest.fail(f"the referee process did not start within {timing.child_ready():g} s", pytrace=False)

    return child, wait_started


def now(fn, *args):
    """fn(*args) for a board in this process, failing fast if it waits for its own lock."""
    return finishes_within(timing.AT_ONCE, fn, *args, explain=REENTRANCY)


def adds_in_this_process() -> None:
    """Fail at once when add() cannot finish even here, in one process (it waits for its
    own lock): children would wait the same way, and the test would wait for them only
    to say the same."""
    now(scoreboard.Scoreboard(1).add, 0, 1)


def stop(processes, seconds) -> None:
    """Clean up after a test, passed or failed: give the processes `seconds` in all to end,
    then kill those still running, so nothing the test started outlives it."""
    processes = [p for p in processes if p.pid is not None]  # a failed start() left none
    deadline = time.monotonic() + seconds
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join(timing.SOON)


def test_a_new_board_adds_points_in_this_process():
    board = scoreboard.Scoreboard(3)
    scores, total = now(board.scores), now(board.total)
    assert type(scores) is list and scores == [0, 0, 0] and type(total) is int and total == 0, (
        f"a new board of 3 teams should have scores [0, 0, 0] and total 0; it has "
        f"{scores!r} and {total!r}"
    )
    pauses = []
    returned = [
        now(board.add, team, points, lambda: pauses.append(team))
        for team, points in [(1, 5), (1, 2), (2, 1)]
    ]
    assert returned == [5, 7, 1] and all(type(r) is int for r in returned), (
        f"add(1, 5), add(1, 2), add(2, 1) returned {returned}; expected the ints [5, 7, 1], "
        "each team's new score"
    )
    scores, total = now(board.scores), now(board.total)
    assert type(scores) is list and scores == [0, 7, 1], (
        f"scores() returned {scores!r}; expected the list [0, 7, 1] (a new list, not the "
        "shared Array itself)"
    )
    assert type(total) is int and total == 8, (
        f"total() is {total!r}; 5 + 2 + 1 points were added, so the int 8"
    )
    assert pauses == [1, 1, 2], (
        f"add should call pause() exactly once per call, between reading the score and "
        f"writing it; three adds called it {len(pauses)} times"
    )


def test_a_referee_process_updates_the_parents_board():
    adds_in_this_process()
    board = scoreboard.Scoreboard(3)
    child, wait_started = started_referee(board, 1, [3, 4])
    try:
        wait_started()
        child.join(timing.CROWD)
        assert not child.is_alive(), (
            f"referee(board, 1, [3, 4]) still runs {timing.CROWD:g} s after its process "
            "started: is it waiting for a lock it already holds, or for one that is never "
            "released?"
        )
        assert child.exitcode == 0, (
            f"the referee process ended with exit code {child.exitcode}: an exception "
            "ended it (its traceback is in the captured stderr)"
        )
    finally:
        stop([child], 0.0)
    scores, total = now(board.scores), now(board.total)
    assert type(scores) is list and scores == [0, 7, 0] and type(total) is int and total == 7, (
        f"a child process ran referee(board, 1, [3, 4]) and ended cleanly, so the board "
        f"should read [0, 7, 0] with a total of 7; this process sees {scores} and {total}. "
        + (f"None of the child's points reached this process. {NOT_SHARED}" if total == 0 else "")
    )


def test_referees_at_once_lose_no_points():
    adds_in_this_process()
    board = scoreboard.Scoreboard(1)
    # The first referee to read waits in the window for a second to read too. Both are
    # let go at once (the gate), so without one shared lock the second gets there within
    # milliseconds; with it, it never can, and that wait is watched for timing.WATCH.
    window = probe.Window(company_seconds=timing.GLIMPSE)
    arrived, gate = multiprocessing.Semaphore(0), multiprocessing.Event()
    referees = [
        multiprocessing.Process(
            target=probe.after_gate,
            args=(arrived, gate, scoreboard.referee, board, 0, [1] * ADDS_EACH, window),
            name=f"referee-{i}",
            daemon=True,
        )
        for i in range(REFEREES)
    ]
    try:
        with sending(board):
            for referee in referees:
                referee.start()
        deadline = time.monotonic() + timing.child_ready()
        for _ in referees:  # every referee is running before any of them adds a point
            while not arrived.acquire(timeout=0.05):
                ended = [f"{r.name} (exit code {r.exitcode})" for r in referees if not r.is_alive()]
                assert not ended, f"{ended} ended before it could begin: see the captured stderr"
                assert time.monotonic() < deadline, (
                    f"not all {REFEREES} referee processes started within {timing.child_ready():g} s"
                )
        gate.set()
        deadline = time.monotonic() + timing.CROWD
        for referee in referees:
            referee.join(max(0.0, deadline - time.monotonic()))
        stuck = [r.name for r in referees if r.is_alive()]
        assert not stuck, (
            f"{stuck} did not finish {ADDS_EACH} adds each within {timing.CROWD:g} s: are they "
            "waiting for a lock that is already held?"
        )
        crashed = [f"{r.name} (exit code {r.exitcode})" for r in referees if r.exitcode != 0]
        assert not crashed, f"{crashed} ended with an exception: see the captured stderr"
    finally:
        gate.set()
        stop(referees, 0.0)

    expected = REFEREES * ADDS_EACH
    scores, total = now(board.scores), now(board.total)
    assert window.calls == expected, (
        f"{REFEREES} referees made {ADDS_EACH} adds each, but pause() was called "
        f"{window.calls} times: add must call it once per add, after reading the score "
        "and before writing it back"
    )
    names = {r.pid: r.name for r in referees}
    what_happened = (
        f"Between reading the score and writing it back, up to {window.most_at_once} "
        f"referees were in the window at once:\n{window.timeline(names)}\n"
    )
    if total == 0 and scores == [0]:
        pytest.fail(
            f"{REFEREES} referee processes added {expected} points in all, and this process "
            f"still sees a score of 0 and a total of 0. {NOT_SHARED}",
            pytrace=False,
        )
    lost = expected - scores[0]
    assert lost == 0 and total == expected, (
        f"{lost} of {expected} points were lost: {REFEREES} referee processes added 1 point "
        f"{ADDS_EACH} times each, and the score ends at {scores[0]} (the total at {total}). "
        + what_happened
        + "Two referees read the same score, each added its point to it, and the second "
        "write overwrote the first. "
        + (thread_lock_lesson(board) or (
            "A synchronized Array locks each single read and each single write, not the "
            "read-add-write between them; and a lock helps only if every process waits on "
            "the same one: a multiprocessing lock made once, in the parent, before the "
            "children start (the Array's own get_lock() is such a lock), never inside add "
            "or a child."
        ))
    )
    assert window.most_at_once == 1, (
        f"no point was lost, but {window.most_at_once} referees were between reading and "
        f"writing the score at once: it was luck, not the lock.\n{window.timeline(names)}"
    )


def test_play_runs_the_referees_at_once_and_waits_for_them():
    adds_in_this_process()
    board = scoreboard.Scoreboard(2)
    tally = probe.Tally()
    stalling = probe.StallingPoints([1, 2])  # its referee stops between its two adds
    referees = [(0, stalling), (1, [10]), (0, [3])]
    started_before = len(getattr(multiprocessing.process, "_children", ()))
    call = Call(scoreboard.play, board, referees, tally, name="play")
    let_go = None
    try:
        # Until the first referee's process has begun (looked at its points), it may be
        # booting, as long as a child process lives; once it has, its first add is quick.
        watch, begun = timing.ChildWatch(), None
        while not stalling.stalled.wait(0.01) and not call.done:
            if stalling.begun.is_set():
                begun = begun or time.monotonic()
                if time.monotonic() - begun > timing.SOON:
                    break
            elif watch.hopeless():
                break
        if not call.done:
            assert stalling.stalled.is_set(), (
                f"the first referee's process began {timing.SOON:g} s ago and has not added "
                "its first point: is add stuck on a lock?"
                if begun
                else f"play() has not returned, {watch.why()}, and no referee has begun"
            )
            assert stalling.pid != os.getpid(), (
                "play() ran a referee in this process instead of starting a Process for it: "
                "multiprocessing.Process(target=referee, args=(...)).start() runs it in a child"
            )
            assert now(board.total) > 0, (
                "the first referee process has added its first point, and this process "
                f"still sees a total of 0. {NOT_SHARED}"
            )
            # The first referee now waits between its two adds, holding no lock. The other
            # two should run meanwhile and add 10 and 3; play() should wait for all three.
            # They may boot for up to timing.child_ready(), while a process other than the
            # stalled one lives; with none for timing.SOON, none is coming.
            watched, waiting_in_join = time.monotonic(), False
            others = timing.ChildWatch(ignore=lambda: {stalling.pid})
            while now(board.total) < 1 + 10 + 3 and not call.done and not others.hopeless():
                if joins_before_starting_all(call.thread, started_before + len(referees)):
                    waiting_in_join = True
                    break  # it waits for the stalled referee: the others will not start
                time.sleep(0.01)  # polling the board; each look is cheap
        if call.done:
            with sending(board):
                returned = call.finish(timing.AT_ONCE, "play()")  # a stub's NotImplementedError is raised here
            pytest.fail(
                f"play() returned {returned!r} while a referee was still working (it had "
                f"added 1 of its points [1, 2]). Starting a process does not wait for it: "
                "start every referee, then join() every one, then read the scores.",
                pytrace=False,
            )
        total = now(board.total)
        assert total == 1 + 10 + 3, (
            f"while the first referee was between its two adds, the other two referees "
            f"should have added 10 and 3 (the total reaching 14); it stayed at {total} for "
            f"{time.monotonic() - watched:.1f} s"
            + (", play() waiting in a join() with the others not started" if waiting_in_join else "")
            + ": play() runs the referees one at a time. Start every referee "
            "first, then join them all; a join() right after each start() waits for that "
            "referee to finish before the next one begins."
        )
    finally:
        stalling.release()
        if stalling.stalled.is_set():
            let_go = timing.join_while_children(call.thread)
        # Processes started and never joined stay on multiprocessing's list of children.
        unjoined = [p.name for p in list(getattr(multiprocessing.process, "_children", ()))]
        stop(multiprocessing.active_children(), timing.SOON if call.done else 0.0)
    if not call.done:
        guard.excuse(call.thread)
        pytest.fail(messages.stuck_report(
            f"play() has not returned since the referees were let go, {let_go.why()}. Where:", [call.thread]
        ), pytrace=False)
    with sending(board):
        returned = call.finish(timing.AT_ONCE, "play()")
    assert not unjoined, (
        f"play() returned {returned!r} without joining {unjoined}. Starting a process does "
        "not wait for it: start every referee, then join() every one, then read the scores."
    )
    expected = [1 + 2 + 3, 10]
    scores, total = now(board.scores), now(board.total)
    assert returned == expected and scores == expected and total == 16, (
        f"the referees added [1, 2] and [3] to team 0 and [10] to team 1, so play() should "
        f"return {expected} and the total be 16; it returned {returned!r}, and the board "
        f"reads {scores} with a total of {total}. " + (NOT_SHARED if total == 0 else "")
    )
    assert tally.calls == 4, (
        f"the referees made 4 adds, and the pause given to play() was called {tally.calls} "
        "times: play must pass its pause on to every referee"
    )


def unsendable(process) -> str:
    """Why spawn and forkserver could not send this process to a child: its target, or its
    class, cannot be pickled. '' when they can."""
    for what, thing in (("target", getattr(process, "_target", None)), ("class", type(process))):
        try:
            pickle.dumps(thing)
        except Exception as exc:  # PicklingError, AttributeError, TypeError: all say the same
            return f"its {what}, {thing!r}, cannot be pickled ({type(exc).__name__}: {exc})"
    return ""


def test_every_child_runs_a_top_level_function(monkeypatch, segments):
    adds_in_this_process()
    me = os.getpid()
    sent = []  # (process name, why it cannot be sent, or '')
    original_start = multiprocessing.process.BaseProcess.start

    def start(process):  # multiprocessing's own Process.start, watched (never your module)
        if os.getpid() == me:
            sent.append((process.name, unsendable(process)))
        return original_start(process)

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", start)
    for what, fn, args, expected in (
        ("play(board, [(0, [1]), (1, [2])])", scoreboard.play, ([(0, [1]), (1, [2])],), [1, 2]),
        ("doubled_in_child([1, 2])", scoreboard.doubled_in_child, ([1, 2],), [2, 4]),
    ):
        del sent[:]
        if fn is scoreboard.play:
            args = (scoreboard.Scoreboard(2), *args)
        error = returned = None
        try:
            returned = finishes_within(timing.child_ready(), fn, *args)
        except Exception as exc:  # judged below, with what the starts saw
            error = exc
        bad = [f"{name}: {why}" for name, why in sent if why]
        if bad:
            pytest.fail(
                f"{what} started a child process that only fork can start: "
                f"{'; '.join(bad)}. Under fork (the Linux default up to Python 3.13) a child is a "
                "copy of the parent and gets its target without pickling, so this works there. "
                "Under spawn (macOS, Windows) and forkserver (Linux from Python 3.14) the target "
                "is pickled by its module and name, and the child imports it: a function nested "
                "inside another one, or a lambda, has no such name, and Process.start() raises "
                "(AttributeError: Can't pickle local object ...). Hand Process the top-level "
                "function itself: Process(target=referee, args=(board, team, points, pause)).",
                pytrace=False,
            )
        if error is not None:
            raise error
        assert len(sent) == (2 if fn is scoreboard.play else 1), (
            f"{what} started {len(sent)} processes; expected "
            + ("one per referee, 2" if fn is scoreboard.play else "one child")
        )
        assert type(returned) is list and returned == expected, (
            f"{what} returned {returned!r}; expected the list {expected}"
        )


def joins_before_starting_all(thread, processes) -> bool:
    """Whether `thread` waits in a join() of multiprocessing while fewer than `processes`
    processes (this test's and any before) have been started and not yet joined."""
    frame = sys._current_frames().get(thread.ident)
    joining = False
    while frame is not None and not joining:
        code = frame.f_code
        joining = code.co_name in ("join", "wait") and f"multiprocessing{os.sep}" in code.co_filename
        frame = frame.f_back
    return joining and len(getattr(multiprocessing.process, "_children", ())) < processes


def referee_at_the_gate(board, team, points):
    """A referee process doing add(team, points) that stops in its pause (between reading
    the score and writing it back, under the board's lock) until the test opens the gate."""
    gate = probe.Gate()
    child, wait_started = started_referee(board, team, [points], gate)
    wait_started()
    deadline = time.monotonic() + timing.SOON  # it has started: add() reaches its pause at once
    while not gate.entered.wait(0.02):
        if not child.is_alive():
            pytest.fail(
                f"the referee process ended (exit code {child.exitcode}) before add() called "
                "its pause: see the captured stderr",
                pytrace=False,
            )
        if time.monotonic() > deadline:
            gate.open()
            stop([child], 0.0)
            pytest.fail(
                f"within {timing.SOON:g} s of starting, the referee process did not reach the "
                "pause inside add(): is add stuck on a lock?",
                pytrace=False,
            )
    return child, gate


def reading(read, begun):
    """read(), once it has said (begun) that it is about to call it."""
    begun.set()
    return read()


def test_scores_and_total_wait_for_an_add_in_progress():
    adds_in_this_process()
    board = scoreboard.Scoreboard(2)
    now(board.add, 1, 5)
    child, gate = referee_at_the_gate(board, 0, 3)  # now between reading team 0's 0 and writing 3
    try:
        # Each read says when it has begun; from then on, a read that takes no lock
        # returns within timing.GLIMPSE (it reads two numbers), and one that waits for
        # the board's lock waits until the gate opens.
        begun = [threading.Event(), threading.Event()]
        reads = [
            Call(reading, board.scores, begun[0], name="reading scores"),
            Call(reading, board.total, begun[1], name="reading total"),
        ]
        for flag in begun:
            flag.wait(timing.AT_ONCE)
        deadline = time.monotonic() + timing.GLIMPSE
        for read in reads:
            read.thread.join(max(0.0, deadline - time.monotonic()))
        gate.open()
        scores = reads[0].finish(timing.SOON, "board.scores()", REENTRANCY)
        total = reads[1].finish(timing.SOON, "board.total()", REENTRANCY)
    finally:
        gate.open()
        stop([child], timing.SOON)
    during = (
        "was called while a referee process was inside add(0, 3), between reading team 0's "
        "score and writing it back"
    )
    why = (
        "it read without the board's lock, so it saw the board halfway through a change. "
        "Read under the same lock that add holds: then a read made meanwhile waits until "
        "the add is done. " + thread_lock_lesson(board)
    )
    assert type(scores) is list and scores == [3, 5], (
        f"scores() {during}, and returned {scores!r}; read under the lock, it would have "
        f"waited for that add and returned the list [3, 5]. "
        + (why if scores == [0, 5] else "")
    )
    assert type(total) is int and total == 8, (
        f"total() {during}, and returned {total!r}; read under the lock, it would have "
        f"waited for that add and returned 5 + 3 = 8. " + (why if total == 5 else "")
    )


def test_a_score_and_the_total_change_in_one_step_under_one_lock():
    adds_in_this_process()
    board = scoreboard.Scoreboard(1)
    child, gate = referee_at_the_gate(board, 0, 2)
    held, torn, board_lock = [], None, None
    try:
        # The referee is inside add, holding the board's lock. Any other lock the board
        # keeps (a synchronized Value's own lock, say) is free now: the test takes it, so
        # an add that needs it after its score is written has to wait for the test.
        locks = board_locks(board)
        held = [lock for lock in locks if lock.acquire(False)]
        busy = [lock for lock in locks if all(lock is not h for h in held)]
        gate.open()
        if held and busy:
            # With one lock around the score and the total, the board's lock stays taken
            # until both are written. Does it come free with the total not updated?
            deadline = time.monotonic() + TORN_WATCH
            while torn is None and child.is_alive() and time.monotonic() < deadline:
                for lock in busy:
                    if lock.acquire(False):
                        try:
                            numbers = raw_numbers(board)
                            if child.is_alive() and numbers and 2 not in numbers:
                                torn, board_lock = numbers, lock
                        finally:
                            lock.release()
                time.sleep(0.005)
    finally:
        for lock in held:
            lock.release()
        gate.open()
        stop([child], timing.SOON)
    assert torn is None, (
        f"a referee process was doing add(0, 2), and the board's lock ({board_lock!r}) came "
        f"free while its total still read {torn[0]}: add let go of the board's lock before "
        "it updated the total, which was waiting for a lock of its own (the synchronized "
        "Value's, held by this test). So the score and the total do not change in one step, "
        "and `total.value += points` outside the board's lock is two steps, a read and then "
        "a write, each under the Value's lock but not together: two referee processes can "
        "read the same total and one addition is lost (the Python docs: operations like += "
        "which involve a read and a write are not atomic). Write the score and add to the "
        "total inside one `with` of the board's one lock."
    )
    assert child.exitcode == 0, (
        f"the referee process ended with exit code {child.exitcode}: see the captured stderr"
    )
    scores, total = now(board.scores), now(board.total)
    assert type(scores) is list and scores == [2] and type(total) is int and total == 2, (
        f"a referee process did add(0, 2) on a new board; this process sees {scores!r} and "
        f"a total of {total!r}, not [2] and 2. " + (NOT_SHARED if total == 0 else "")
    )


@pytest.fixture
def segments(monkeypatch):
    """The names of the SharedMemory segments made in this process during the test.

    After the test, any of them still there is unlinked, so none outlives a failing test.
    """
    names = []
    original = shared_memory.SharedMemory.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        names.append(self.name)

    monkeypatch.setattr(shared_memory.SharedMemory, "__init__", init)
    yield names
    monkeypatch.undo()
    left_behind(names)


def left_behind(names) -> list[str]:
    """Those of `names` that were never unlinked; they are unlinked now."""
    left = []
    for name in dict.fromkeys(names):
        try:
            segment = shared_memory.SharedMemory(name=name)
        except FileNotFoundError:
            continue
        left.append(name)
        segment.close()
        segment.unlink()
    return left


def finish_watched(fn, *args):
    """fn(*args), a call that starts a child process, in a helper thread: its value, or
    its exception raised here. It may run up to timing.child_ready() while a child of
    this process lives (booting, or working); with none alive for timing.SOON it is
    stuck, and the test fails at once with where."""
    running = Call(fn, *args, name=f"calling {fn.__name__}")
    watch = timing.join_while_children(running.thread)
    if running.thread.is_alive():
        guard.excuse(running.thread)
        pytest.fail(messages.stuck_report(
            f"{fn.__name__}({', '.join(map(repr, args))}) has not returned, {watch.why()}. Where:",
            [running.thread],
        ), pytrace=False)
    return running.finish(0, fn.__name__)


UNLINK = (
    "A shared-memory segment is not freed when the processes that use it close it or "
    "end: on Linux it stays in /dev/shm, taking memory, until someone unlinks it. The "
    "creator closes and unlinks it in a finally block, so that happens on every way out."
)


def test_doubled_in_child_passes_numbers_through_shared_memory(segments):
    numbers = [1, -2, 30, 2**40]
    doubled = finish_watched(scoreboard.doubled_in_child, numbers)
    assert type(doubled) is list and doubled == [2 * n for n in numbers], (
        f"doubled_in_child({numbers}) returned {doubled!r}; expected the list "
        f"{[2 * n for n in numbers]}"
    )
    assert segments, (
        "doubled_in_child made no multiprocessing.shared_memory.SharedMemory segment: "
        "create one, copy the numbers in, and let the child double them there"
    )
    left = left_behind(segments)
    assert not left, f"the segment {left[0]!r} was still there after doubled_in_child returned. {UNLINK}"


def test_a_failed_child_raises_and_the_segment_is_still_unlinked(segments):
    numbers = [5, 2**62]  # 2**63 does not fit in a signed 8-byte int: the child fails
    try:
        returned = finish_watched(scoreboard.doubled_in_child, numbers)
    except ChildProcessError:
        pass
    else:
        pytest.fail(
            f"doubled_in_child({numbers}) returned {returned!r}, but the child cannot double "
            "2**62 in a signed 8-byte int and fails. Check the child's exit code after "
            "join(): anything but 0 means it did not do its work; raise ChildProcessError.",
            pytrace=False,
        )
    left = left_behind(segments)
    assert not left, (
        f"after the child failed, the segment {left[0]!r} was left behind. {UNLINK}"
    )
    if not probe.KilledAtStart.possible():
        return  # the next check kills the child as it starts, which needs fork's hooks
    # A child ended by a signal (killed, or crashed) has a negative exit code: -9 here.
    killer = probe.KilledAtStart()
    killer.arm()
    try:
        returned = finish_watched(scoreboard.doubled_in_child, [1, 2])
    except ChildProcessError:
        returned = None
    finally:
        del killer  # the hook goes with it
    assert returned is None, (
        f"doubled_in_child([1, 2]) returned {returned!r}, but its child was killed by a "
        "signal (SIGKILL) as it started, before it could double anything: its exit code "
        "was -9. An exit code below 0 means a signal ended the child; anything but 0 means "
        "it did not do its work: check `exitcode != 0` (not `> 0`) and raise "
        "ChildProcessError."
    )
    left = left_behind(segments)
    assert not left, (
        f"after the child was killed, the segment {left[0]!r} was left behind. {UNLINK}"
    )
