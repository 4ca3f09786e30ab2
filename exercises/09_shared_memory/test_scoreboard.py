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

import multiprocessing
import os
import threading
import time
from multiprocessing import shared_memory

import pytest

from kata import finishes_within, implementation
from kata.probes import scoreboard as probe

scoreboard = implementation("scoreboard")

pytestmark = pytest.mark.timeout(60)  # the tests' own bounds allow for slow spawn starts

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


def patience() -> float:
    """How long started children may take to do a few adds."""
    return 2.0 if multiprocessing.get_start_method() == "fork" else 10.0


def startup() -> float:
    """How long children may take to start and begin their work. A forked child is a copy
    of a running process; a spawn or forkserver child is a fresh interpreter that imports
    modules first, which takes long on a busy machine."""
    return 2.0 if multiprocessing.get_start_method() == "fork" else 30.0


def now(fn, *args):
    """fn(*args) for a board in this process, failing fast if it waits for its own lock."""
    return finishes_within(1.0, fn, *args, explain=REENTRANCY)


def adds_in_this_process() -> None:
    """Fail at once when add() cannot finish even here, in one process (it waits for its
    own lock): children would wait the same way, and the test would wait startup() for
    them, 30 s under spawn, only to say the same."""
    now(scoreboard.Scoreboard(1).add, 0, 1)


def stop(processes, seconds) -> None:
    """Clean up after a test, passed or failed: give the processes `seconds` in all to end,
    then kill those still running, so nothing the test started outlives it."""
    deadline = time.monotonic() + seconds
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join(5)


class Call:
    """fn(*args) in a daemon thread of this process, so the test can watch meanwhile."""

    def __init__(self, fn, *args):
        self.value = self.error = None
        self.thread = threading.Thread(target=self._run, args=(fn, args), name="play", daemon=True)
        self.thread.start()

    def _run(self, fn, args):
        try:
            self.value = fn(*args)
        except BaseException as exc:  # handed to the test by result()
            self.error = exc

    @property
    def done(self) -> bool:
        return not self.thread.is_alive()

    def result(self):
        if self.error is not None:
            raise self.error
        return self.value


def test_a_new_board_adds_points_in_this_process():
    board = scoreboard.Scoreboard(3)
    scores, total = now(board.scores), now(board.total)
    assert scores == [0, 0, 0] and total == 0, (
        f"a new board of 3 teams should have scores [0, 0, 0] and total 0; it has "
        f"{scores!r} and {total!r}"
    )
    pauses = []
    returned = [
        now(board.add, team, points, lambda: pauses.append(team))
        for team, points in [(1, 5), (1, 2), (2, 1)]
    ]
    assert returned == [5, 7, 1], f"add(1, 5), add(1, 2), add(2, 1) returned {returned}; expected [5, 7, 1]"
    scores, total = now(board.scores), now(board.total)
    assert type(scores) is list and scores == [0, 7, 1], (
        f"scores() returned {scores!r}; expected the list [0, 7, 1] (a new list, not the "
        "shared Array itself)"
    )
    assert total == 8, f"total() is {total}; 5 + 2 + 1 points were added, so 8"
    assert pauses == [1, 1, 2], (
        f"add should call pause() exactly once per call, between reading the score and "
        f"writing it; three adds called it {len(pauses)} times"
    )


def test_a_referee_process_updates_the_parents_board():
    adds_in_this_process()
    board = scoreboard.Scoreboard(3)
    child = multiprocessing.Process(
        target=scoreboard.referee, args=(board, 1, [3, 4]), name="referee", daemon=True
    )
    try:
        child.start()
        child.join(startup())
        assert not child.is_alive(), (
            f"referee(board, 1, [3, 4]) still runs after {startup():g} s: is it waiting for "
            "a lock it already holds, or for one that is never released?"
        )
        assert child.exitcode == 0, (
            f"the referee process ended with exit code {child.exitcode}: an exception "
            "ended it (its traceback is in the captured stderr)"
        )
    finally:
        stop([child], 0.0)
    scores, total = now(board.scores), now(board.total)
    assert (scores, total) == ([0, 7, 0], 7), (
        f"a child process ran referee(board, 1, [3, 4]) and ended cleanly, so the board "
        f"should read [0, 7, 0] with a total of 7; this process sees {scores} and {total}. "
        + (f"None of the child's points reached this process. {NOT_SHARED}" if total == 0 else "")
    )


def test_referees_at_once_lose_no_points():
    adds_in_this_process()
    board = scoreboard.Scoreboard(1)
    window = probe.Window()
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
        for referee in referees:
            referee.start()
        deadline = time.monotonic() + startup()
        for _ in referees:  # every referee is running before any of them adds a point
            while not arrived.acquire(timeout=0.05):
                ended = [f"{r.name} (exit code {r.exitcode})" for r in referees if not r.is_alive()]
                assert not ended, f"{ended} ended before it could begin: see the captured stderr"
                assert time.monotonic() < deadline, (
                    f"not all {REFEREES} referee processes started within {startup():g} s"
                )
        gate.set()
        deadline = time.monotonic() + patience()
        for referee in referees:
            referee.join(max(0.0, deadline - time.monotonic()))
        stuck = [r.name for r in referees if r.is_alive()]
        assert not stuck, (
            f"{stuck} did not finish {ADDS_EACH} adds each within {patience():g} s: are they "
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
        "write overwrote the first. A synchronized Array locks each single read and each "
        "single write, not the read-add-write between them; and a lock helps only if every "
        "process waits on the same one: made once, in the parent, before the children "
        "start (the Array's own get_lock() is such a lock), never inside add or a child."
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
    call = Call(scoreboard.play, board, referees, tally)
    try:
        deadline = time.monotonic() + startup()
        while not stalling.stalled.wait(0.01) and not call.done and time.monotonic() < deadline:
            pass
        if not call.done:
            assert stalling.stalled.is_set(), (
                f"within {startup():g} s of calling play(), the first referee did not add "
                "its first point (is add stuck on a lock?)"
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
            deadline = time.monotonic() + startup()
            while now(board.total) < 1 + 10 + 3 and time.monotonic() < deadline and not call.done:
                time.sleep(0.01)  # polling the board; each look is cheap
        if call.done:
            returned = call.result()  # a stub's NotImplementedError is raised here
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
            f"{startup():g} s: play() runs the referees one at a time. Start every referee "
            "first, then join them all; a join() right after each start() waits for that "
            "referee to finish before the next one begins."
        )
    finally:
        stalling.release()
        if stalling.stalled.is_set():
            call.thread.join(patience())
        # Processes started and never joined stay on multiprocessing's list of children.
        unjoined = [p.name for p in list(getattr(multiprocessing.process, "_children", ()))]
        stop(multiprocessing.active_children(), patience() if call.done else 0.0)
    assert call.done, f"play() did not return within {patience():g} s after the referees were let go"
    returned = call.result()
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


UNLINK = (
    "A shared-memory segment is not freed when the processes that use it close it or "
    "end: on Linux it stays in /dev/shm, taking memory, until someone unlinks it. The "
    "creator closes and unlinks it in a finally block, so that happens on every way out."
)


def test_doubled_in_child_passes_numbers_through_shared_memory(segments):
    numbers = [1, -2, 30, 2**40]
    doubled = finishes_within(startup(), scoreboard.doubled_in_child, numbers)
    assert doubled == [2 * n for n in numbers], (
        f"doubled_in_child({numbers}) returned {doubled!r}; expected {[2 * n for n in numbers]}"
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
        returned = finishes_within(startup(), scoreboard.doubled_in_child, numbers)
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
