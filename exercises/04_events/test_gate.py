"""Tests for 04_events. Run them with:  pytest exercises/04_events

The gate tests send a crowd of worker threads to a StartingGate. Each worker says when
it has reached the gate (just before it calls wait) and when it got through, so a test
knows that every worker had its chance to pass before it checks that none did. Waiting
is measured as the operating system sees it: the CPU time the waiting threads burn,
and how often they are woken up while nothing has happened.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from kata import finishes_within, guard, implementation, messages, timing
from kata import platform as facilities  # what this system offers

gate = implementation("gate")

WORKERS = 4
TRIALS = 5  # a timing check is decided by the majority of up to this many short trials
BUSY = 0.10  # waiting threads that use more CPU than this share of the time are not asleep
# The bounds (how long a test waits for what a right answer does) are kata.timing's:
# AT_ONCE for a call or a woken thread, SOON for a crowd of threads to start or fall
# asleep. These are not bounds but measures, what the tests judge by:
PROMPT = 0.03  # seconds: a woken thread is running again long before this, even on a busy machine
IDLE_WINDOW = 0.04  # a window: how long waiting workers are watched for wake-ups
LOOP_WINDOW = 0.04  # a window: how long a pausing loop is watched for wake-ups
SETTLE = 0.005  # a window: a thread that has not been woken for this long is asleep
SETTLE_TRIES = 5
# Where one thread's wake-ups cannot be read (no /proc: macOS, Windows), the whole
# process's are counted (kata.platform.context_switches), and each wait of the watching
# thread adds one of its own (OWN_WAKEUPS per wait) to what the others did.
PER_THREAD = facilities.PROC
OWN_WAKEUPS = 0 if PER_THREAD else 1
AFTER_FAILURE = 0.1  # not a bound: after a failure, a held worker is the failure's business
# A test input, not a wait of the test's: repeat_until_stopped's pause in the stop tests,
# far longer than any bound, so a loop that sleeps it out is seen stuck.
LONG_PAUSE = 30.0

SLEEP_AND_CHECK = (
    "That is sleep-and-check: a waiter that sleeps a while, looks at a flag and sleeps "
    "again. With long sleeps it notices late; with short ones it wakes hundreds of times "
    "a second for nothing."
)


# --- helpers --------------------------------------------------------------------------


class Crowd:
    """WORKERS threads that each reach the gate, call gate.wait() and record when they pass."""

    def __init__(self, the_gate, count: int = WORKERS):
        self.gate = the_gate
        self.count = count
        self.changed = threading.Condition()
        self.arrived: dict[str, float] = {}  # worker -> when it reached the gate
        self.passed: dict[str, float] = {}  # worker -> when its wait() returned
        self.returned: dict[str, object] = {}  # worker -> what its wait() returned
        self.cpu: dict[str, float] = {}  # worker -> CPU time its thread used inside wait()
        self.native_ids: dict[str, int] = {}
        self.errors: list[BaseException] = []
        self.opened_at: float | None = None
        self.threads = [
            threading.Thread(target=self._work, name=f"worker-{i}", daemon=True)
            for i in range(count)
        ]

    def __enter__(self):
        # Hand the GIL round more often while the crowd waits: a gate that busy-waits
        # holds it most of the time and would otherwise slow this test to a crawl.
        self.switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(0.0002)
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            self.gate.open()  # let everybody go home, whatever the test found
        except BaseException:
            pass
        # After a failure, threads still held are the failure's business, not a reason to
        # wait: the failure has said where they are, the leak check need not wait for them.
        deadline = time.monotonic() + (timing.AT_ONCE if exc_type is None else AFTER_FAILURE)
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
            if exc_type is not None and thread.is_alive():
                guard.excuse(thread)
        sys.setswitchinterval(self.switch_interval)

    def _work(self):
        name = threading.current_thread().name
        with self.changed:
            self.native_ids[name] = threading.get_native_id()
            self.arrived[name] = time.monotonic()
            self.changed.notify_all()
        cpu_before = time.thread_time()
        try:
            result = self.gate.wait()
        except BaseException as exc:  # handed to the test's thread by wait_until
            with self.changed:
                self.errors.append(exc)
                self.changed.notify_all()
            return
        cpu = time.thread_time() - cpu_before
        with self.changed:
            self.passed[name] = time.monotonic()
            self.returned[name] = result
            self.cpu[name] = cpu
            self.changed.notify_all()

    def wait_until(self, predicate, timeout: float) -> bool:
        with self.changed:
            happened = self.changed.wait_for(lambda: self.errors or predicate(), timeout)
        if self.errors:
            raise self.errors[0]
        return bool(happened)

    def all_at_the_gate(self) -> None:
        if not self.wait_until(lambda: len(self.arrived) == self.count, timing.SOON):
            pytest.fail(f"only {len(self.arrived)} of {self.count} worker threads started")

    def open(self) -> None:
        self.opened_at = time.monotonic()
        self.gate.open()

    def everyone_passes(self, seconds: float = timing.AT_ONCE) -> None:
        """Fail unless every worker is through the gate within `seconds` of open()."""
        if not self.wait_until(lambda: len(self.passed) == self.count, seconds):
            pytest.fail(
                f"{self.count - len(self.passed)} of {self.count} workers were still held "
                f"{seconds:g} s after the gate was opened:\n{self.timeline()}\nopen() must "
                "let every waiting thread through at once, not one of them (Condition."
                "notify wakes one waiter, notify_all all of them), and not a sleep later "
                "(a waiter that sleeps between looks at a flag passes only when it wakes).",
                pytrace=False,
            )

    def all_asleep(self) -> None:
        """Return once every worker is blocked inside wait(): asleep (/proc state S) and
        not woken for a while. A thread that wants the GIL wakes every switch interval;
        one that is runnable shows R. Where /proc cannot tell, nothing in the process may
        wake (but this thread's own waits) for three looks in a row."""
        ids = [self.native_ids[t.name] for t in self.threads]
        if wakeup_counts(ids) is None:  # nothing here counts wake-ups: a long moment
            threading.Event().wait(timing.SOON / 3)
            return
        deadline = time.monotonic() + timing.SOON
        quiet, last = 0, None
        while quiet < 3:
            now = wakeup_counts(ids), [state(i) for i in ids]
            if self.passed or self.errors:
                return  # the test judges it
            still = (
                last is not None and None not in (now[0], last[0])
                and all(a - b <= OWN_WAKEUPS for a, b in zip(now[0], last[0]))
            )  # fmt: skip
            asleep = all(st == "S" for st in now[1]) if PER_THREAD else True
            quiet = quiet + 1 if still and asleep else 0
            last = now
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the workers at the gate did not go to sleep within {timing.SOON:g} s: wait() should "
                    "block (Event.wait()), not spin or nap",
                    pytrace=False,
                )
            threading.Event().wait(SETTLE)

    def passed_none_yet(self, when: str) -> None:
        with self.changed:
            early = sorted(self.passed)
        assert not early, (
            f"{', '.join(early)} got through {when}:\n{self.timeline()}\nwait() must block "
            "until open() is called (a new gate is closed)."
        )

    def all_returned_true(self, why: str = "") -> None:
        with self.changed:
            returned = list(self.returned.values())
        assert returned and all(r is True for r in returned), (
            f"wait() returned {sorted(set(map(repr, returned)))} once the gate was open; "
            f"it should return True (Event.wait() returns the flag).{why}"
        )

    def timeline(self) -> str:
        """What happened when, as lines of '+ms  worker-n  event'."""
        with self.changed:
            events = [(t, f"{n} reaches the gate") for n, t in self.arrived.items()]
            events += [(t, f"{n} passes") for n, t in self.passed.items()]
        if self.opened_at is not None:
            events.append((self.opened_at, "open() is called"))
        events.sort()
        start = events[0][0]
        lines = [f"  {1000 * (t - start):8.1f} ms  {what}" for t, what in events]
        held = [n for n in self.arrived if n not in self.passed]
        if held:
            lines.append(f"  still waiting: {', '.join(sorted(held))}")
        return "\n".join(lines)


def wakeups(native_id: int) -> int | None:
    """How often the OS has put this thread on a CPU so far (None where /proc can't say)."""
    if not PER_THREAD:
        return None
    try:
        status = Path(f"/proc/self/task/{native_id}/status").read_text()
    except OSError:
        return None
    return sum(
        int(line.split()[1])
        for line in status.splitlines()
        if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"))
    )


def state(native_id: int) -> str | None:
    """The OS's one-letter state of this thread (R running, S sleeping, ...), or None."""
    if not PER_THREAD:
        return None
    try:
        stat = Path(f"/proc/self/task/{native_id}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def wakeup_counts(native_ids) -> list[int] | None:
    """Each thread's count of wake-ups so far (/proc), or, where a thread's own cannot be
    read, one number for them all: the whole process's (the watching thread's own waits
    in it, OWN_WAKEUPS a wait); None where neither can be read."""
    if PER_THREAD:
        counts = [wakeups(i) for i in native_ids]
        return None if None in counts else counts
    total = facilities.context_switches()
    return None if total is None else [total]


def settle(native_ids) -> None:
    """Give the threads a moment (up to SETTLE_TRIES x SETTLE) to go SETTLE without waking.

    Just after a thread last did something it is still on its way into its wait (and,
    with the GIL, may be handed it once more), and those last switches would count as
    wake-ups. One that naps in short slices never settles, and is then watched anyway.
    """
    last = wakeup_counts(native_ids)
    for _ in range(SETTLE_TRIES):
        threading.Event().wait(SETTLE)
        now = wakeup_counts(native_ids)
        if now is None or all(a - b <= OWN_WAKEUPS for a, b in zip(now, last)):
            return
        last = now


def watch_sleepers(native_ids, seconds: float, *, settled: bool = False):
    """Block this thread for `seconds`; return (the window as measured, how often each of
    the threads was woken up in it), the second None where nothing can tell. Where a
    thread's own count cannot be read (no /proc), the second is one number for them all:
    the whole process's wake-ups, less this thread's own wait.

    Unless `settled` (already watched just before), the threads first get to settle."""
    if not settled:
        settle(native_ids)
    before = wakeup_counts(native_ids)
    started = time.monotonic()
    threading.Event().wait(seconds)  # this thread sleeps too: the window is theirs
    window = time.monotonic() - started
    after = wakeup_counts(native_ids)
    if before is None or after is None:
        return window, None
    return window, [max(0, a - b - OWN_WAKEUPS) for a, b in zip(after, before)]


def decided(delays: list[float]) -> bool:
    """Has a majority of TRIALS trials come out the same side of PROMPT yet?"""
    slow = sum(d >= PROMPT for d in delays)
    return max(slow, len(delays) - slow) > TRIALS // 2


def ms(delays: list[float]) -> str:
    return ", ".join(f"{1000 * d:.1f}" for d in delays) + " ms"


class Loop:
    """repeat_until_stopped(stop, step, pause) running in a thread of its own.

    Its step records when it was called, in wall time and in the thread's CPU time, so
    the CPU the loop burns while it pauses can be measured from inside its own thread.
    """

    def __init__(self, stop: threading.Event, pause: float):
        self.stop = stop
        self.steps = 0
        self.changed = threading.Condition()
        self.error: BaseException | None = None
        self.result = self.native_id = None
        self.stepped_at = self.stepped_cpu = None  # wall and CPU clocks at the last step
        self.ended_at = self.ended_cpu = None  # ... and when repeat_until_stopped returned
        self.thread = threading.Thread(target=self._run, args=(pause,), name="loop", daemon=True)
        self.thread.start()

    def _step(self):
        with self.changed:
            self.steps += 1
            self.stepped_at, self.stepped_cpu = time.monotonic(), time.thread_time()
            self.changed.notify_all()

    def _run(self, pause):
        self.native_id = threading.get_native_id()
        try:
            self.result = gate.repeat_until_stopped(self.stop, self._step, pause)
        except BaseException as exc:  # handed to the test's thread below
            self.error = exc
        ended_cpu = time.thread_time()
        with self.changed:
            self.ended_at, self.ended_cpu = time.monotonic(), ended_cpu
            self.changed.notify_all()

    def _wait_for(self, predicate, timeout: float) -> bool:
        with self.changed:
            self.changed.wait_for(lambda: self.ended_at is not None or predicate(), timeout)
            if self.error is not None:
                raise self.error
            return predicate()

    def first_step(self) -> None:
        if self._wait_for(lambda: self.steps >= 1, timing.AT_ONCE):
            return
        self.stop.set()
        if self.ended_at is not None:
            pytest.fail(
                f"repeat_until_stopped returned {self.result!r} without calling step once, "
                "though stop was not set: it should call step until stop is set",
                pytrace=False,
            )
        pytest.fail(
            f"step was not called within {timing.AT_ONCE:g} s of starting the loop, and stop was not set; "
            "the first call should come at once (the pause goes between two calls, not "
            "before the first)",
            pytrace=False,
        )

    def ends_within(self, seconds: float = timing.AT_ONCE) -> None:
        if not self._wait_for(lambda: self.ended_at is not None, seconds):
            at = messages.learner_line(self.thread) or "(not in your module)"
            guard.excuse(self.thread)  # reported here: the leak check need not wait for it
            pytest.fail(
                f"the loop was still running {seconds:g} s after stop was set; it is at "
                f"{at}. A loop that pauses with time.sleep(pause) sleeps out "
                f"the whole pause ({LONG_PAUSE:g} s here) before it looks at stop again: time.sleep cannot "
                "be cut short. Pause by waiting on stop with a timeout instead; that wait "
                "returns the moment stop is set.",
                pytrace=False,
            )


# --- the starting gate ------------------------------------------------------------------


def test_no_worker_passes_the_closed_gate():
    the_gate = gate.StartingGate()
    with Crowd(the_gate) as crowd:
        crowd.all_at_the_gate()
        passed_early = crowd.wait_until(lambda: crowd.passed, timing.GLIMPSE)
        assert not passed_early, (
            f"workers went through the gate before anyone opened it:\n{crowd.timeline()}\n"
            "A new gate is closed, and wait() blocks until open() is called. A threading."
            "Event starts with its flag false; wait() on it blocks (is_set() only looks)."
        )
        crowd.open()
        crowd.everyone_passes()
        assert all(r is True for r in crowd.returned.values()), (
            f"wait() returned {sorted(set(map(repr, crowd.returned.values())))} once the "
            "gate was open; it should return True"
        )


def test_waiting_workers_sleep_until_the_gate_opens():
    the_gate = gate.StartingGate()
    with Crowd(the_gate) as crowd:
        crowd.all_at_the_gate()
        ids = [crowd.native_ids[t.name] for t in crowd.threads]
        window, woke = watch_sleepers(ids, IDLE_WINDOW)
        crowd.passed_none_yet("while the gate was shut")
        crowd.open()
        shut = crowd.opened_at - min(crowd.arrived.values())
        crowd.everyone_passes()
        crowd.all_returned_true()
        cpu = sum(crowd.cpu.values())
        assert cpu < BUSY * shut, (
            f"while the gate was shut for {shut * 1000:.0f} ms, the {WORKERS} waiting "
            f"workers burnt {cpu * 1000:.0f} ms of CPU inside wait() ({100 * cpu / shut:.0f}% "
            "of a core; a sleeping thread uses almost none). That is busy-waiting: a loop "
            "that checks a flag again and again (with no sleep, or naps so short it comes "
            "to the same). It keeps a CPU busy for nothing and, holding the GIL, slows down "
            "the very thread that would open the gate. A waiting thread should block "
            "(Event.wait()) and sleep until open() wakes it."
        )
        if woke is not None and PER_THREAD:  # Linux tells how often each thread ran
            assert min(woke) <= 2, (
                f"in {window * 1000:.0f} ms while the gate was shut, every waiting worker was "
                f"woken up {min(woke)} times or more (per worker: {woke}), though nothing "
                f"happened. {SLEEP_AND_CHECK} A thread blocked in Event.wait() (or "
                "Condition.wait()) is not woken until set() (or notify) is called."
            )
        elif woke is not None:  # elsewhere, how often the whole process did
            assert woke[0] <= 2 * WORKERS, (
                f"in {window * 1000:.0f} ms while the gate was shut, the {WORKERS} waiting "
                f"workers were woken up {woke[0]} times in all, though nothing happened. "
                f"{SLEEP_AND_CHECK} A thread blocked in Event.wait() (or Condition.wait()) is "
                "not woken until set() (or notify) is called."
            )


def test_opening_releases_every_waiting_worker_at_once():
    delays = []
    while not decided(delays):
        the_gate = gate.StartingGate()
        with Crowd(the_gate) as crowd:
            crowd.all_at_the_gate()
            crowd.open()  # at once: the workers have only just begun to wait
            crowd.everyone_passes()
            crowd.all_returned_true()
            early = [n for n, t in crowd.passed.items() if t < crowd.opened_at]
            assert not early, (
                f"{', '.join(sorted(early))} passed before open() was called:\n"
                f"{crowd.timeline()}\nwait() must block until the gate is opened."
            )
            delays.append(max(crowd.passed.values()) - crowd.opened_at)
    slow = [d for d in delays if d >= PROMPT]
    assert len(slow) <= TRIALS // 2, (
        f"opened just after {WORKERS} workers arrived, the gate let the last of them "
        f"through {ms(delays)} after open() ({len(delays)} tries). A thread woken by "
        f"open() runs again within a millisecond or two. {SLEEP_AND_CHECK}"
    )


def test_wait_with_a_timeout_returns_false_while_the_gate_is_shut():
    the_gate = gate.StartingGate()

    def timed_wait(timeout):
        started = time.monotonic()
        result = the_gate.wait(timeout)
        return result, time.monotonic() - started

    zero = finishes_within(
        timing.AT_ONCE,
        the_gate.wait,
        0,
        explain="wait(0) on a closed gate should look and return False at once: a timeout "
        "of 0 means do not wait, not wait forever ('if timeout:' is false for 0; compare "
        "with None instead).",
    )
    assert zero is False, f"wait(0) on a closed gate returned {zero!r}, not False"
    result, took = finishes_within(
        timing.AT_ONCE,
        timed_wait,
        0.03,
        explain="wait(0.03) on a closed gate should give up after 0.03 s and return False; "
        "it is still waiting. Pass the timeout on to the wait that blocks.",
    )
    assert result is False, f"wait(0.03) on a closed gate returned {result!r}, not False"
    assert took >= 0.027, (
        f"wait(0.03) on a closed gate returned after {took * 1000:.1f} ms: it should wait "
        "the whole 30 ms for the gate to open before it gives up"
    )
    the_gate.open()
    late = finishes_within(
        timing.AT_ONCE,
        the_gate.wait,
        0.05,
        explain="the gate is open: a thread that arrives now should pass at once",
    )
    assert late is True, (
        f"wait(0.05) on an open gate returned {late!r}, not True: a thread that arrives "
        "after open() must pass too. The gate must remember that it is open (an Event's "
        "flag stays true until clear()); waking the threads that wait at the moment is "
        "not enough."
    )
    assert finishes_within(timing.AT_ONCE, the_gate.wait, explain="the gate is open") is True
    assert finishes_within(timing.AT_ONCE, the_gate.wait, 0, explain="the gate is open") is True, (
        "wait(0) on an open gate should return True: the gate is open, there is nothing to wait for"
    )


def _call(what: str, fn, *args, why: str = ""):
    return finishes_within(timing.AT_ONCE, fn, *args, explain=f"{what} should return at once{why}")


AGAIN = (
    ": doing it twice changes nothing (Event.set() on a set Event, or clear() on a clear "
    "one, does nothing). A Lock held while the gate is closed is not that: a second "
    "acquire() by the thread holding it waits forever, and a second release() raises."
)


def test_close_holds_workers_again():
    the_gate = gate.StartingGate()
    assert the_gate.is_open is False, "a new gate should be closed: is_open is False"
    _call("close() on a gate that is already closed", the_gate.close, why=AGAIN)
    assert the_gate.is_open is False, "closing a closed gate should leave it closed"
    _call("open()", the_gate.open)
    _call("open() on a gate that is already open", the_gate.open, why=AGAIN)
    assert the_gate.is_open is True, "after open() (twice), is_open should be True"
    assert _call("wait(0) on an open gate", the_gate.wait, 0) is True
    _call("close()", the_gate.close)
    _call("close() on a gate that is already closed", the_gate.close, why=AGAIN)
    assert the_gate.is_open is False, "after close() (twice), is_open should be False again"
    started = time.monotonic()
    result = finishes_within(timing.AT_ONCE, the_gate.wait, 0.03, explain="the gate was closed again")
    took = time.monotonic() - started
    assert result is False, (
        f"after open() and then close(), wait(0.03) returned {result!r}: the gate let a "
        "thread through though it was closed again. close() should clear the flag that "
        "open() set (Event.clear())."
    )
    assert took >= 0.027, (
        f"after close(), wait(0.03) gave up after {took * 1000:.1f} ms: it should wait the "
        "whole 30 ms for the gate to open before it returns False"
    )
    _call("open() after close()", the_gate.open)
    assert finishes_within(timing.AT_ONCE, the_gate.wait, 0.05, explain="the gate was reopened") is True, (
        "after close() and open() again, wait(0.05) should return True"
    )

    # Workers asleep at the closed gate while it is closed again (and again) are let
    # through by the next open(): closing a closed gate changes nothing.
    _call("close()", the_gate.close)
    with Crowd(the_gate) as crowd:
        crowd.all_at_the_gate()
        crowd.all_asleep()  # every worker is inside wait(), blocked
        _call("close() on a closed gate while workers wait at it", the_gate.close, why=AGAIN)
        _call("close() once more while they wait", the_gate.close, why=AGAIN)
        assert the_gate.is_open is False, "after close() (twice more), is_open should be False"
        crowd.all_asleep()  # closing a closed gate wakes nobody
        crowd.passed_none_yet("when close() was called on the closed gate")
        sys.setswitchinterval(crowd.switch_interval)  # nobody spins now: the usual slices
        crowd.open()
        if not crowd.wait_until(lambda: len(crowd.passed) == crowd.count, timing.AT_ONCE):
            pytest.fail(
                f"{crowd.count - len(crowd.passed)} of {crowd.count} workers waiting at the "
                f"closed gate were still held {timing.AT_ONCE:g} s after open(); close() had "
                f"been called twice while they waited:\n{crowd.timeline()}\nA thread waiting "
                "at the gate is let through by the next open(), whatever close() calls came "
                "before: closing a closed gate changes nothing. A close() that makes a new "
                "Event (self._event = threading.Event()) strands the threads already waiting: "
                "they sleep on the old Event, which nobody will set any more, and open() sets "
                "the new one, which nobody waits on. Close the gate with clear() on the one "
                "Event the waiters sleep on; the next set() wakes them all.",
                pytrace=False,
            )
        crowd.all_returned_true()


def test_open_then_close_at_once_still_lets_the_waiting_workers_through():
    the_gate = gate.StartingGate()
    with Crowd(the_gate) as crowd:
        crowd.all_at_the_gate()
        crowd.all_asleep()  # every worker is inside wait(), blocked
        crowd.passed_none_yet("while the gate was shut")
        crowd.opened_at = time.monotonic()
        sys.setswitchinterval(crowd.switch_interval)  # nobody spins now: the usual slices
        _call("open() and close() right after it", lambda: (the_gate.open(), the_gate.close()))
        if not crowd.wait_until(lambda: len(crowd.passed) == crowd.count, timing.AT_ONCE):
            pytest.fail(
                f"{crowd.count - len(crowd.passed)} of {crowd.count} workers waiting at the "
                f"gate were still held after open() and close() at once:\n{crowd.timeline()}\n"
                "open() lets through every thread waiting at that moment, even if the gate "
                "is closed again before they get to run. An Event does: a waiter woken by "
                "set() returns True, whatever the flag is by then. A wait that wakes up and "
                "checks the flag again (Condition.wait_for(lambda: self.is_open)) finds it "
                "closed and goes back to sleep: it missed its opening.",
                pytrace=False,
            )
        crowd.all_returned_true(
            " A thread woken by open() has passed, even if the gate was closed again before "
            "it got to run: return what Event.wait() returns (True when it was set during "
            "the wait), not is_set() looked at afterwards."
        )
        assert the_gate.is_open is False, "after open() and close(), the gate is closed"
        late = finishes_within(timing.AT_ONCE, the_gate.wait, 0.03, explain="the gate was closed again")
        assert late is False, (
            f"after open() and close(), a thread arriving late passed (wait returned {late!r}):"
            " only those waiting when the gate opened may pass"
        )


# --- the stop signal --------------------------------------------------------------------


def test_a_stop_signal_ends_the_pause_at_once():
    delays = []
    while not decided(delays):
        stop = threading.Event()
        loop = Loop(stop, pause=LONG_PAUSE)
        loop.first_step()  # the loop has just begun its long pause
        stopped_at = time.monotonic()
        stop.set()
        loop.ends_within()
        assert loop.steps == 1 and loop.result == 1, (
            f"stop was set during the pause after the first step; the loop called step "
            f"{loop.steps} times and returned {loop.result!r}, expected 1 and 1"
        )
        delays.append(loop.ended_at - stopped_at)
    slow = [d for d in delays if d >= PROMPT]
    assert len(slow) <= TRIALS // 2, (
        f"the loop ended {ms(delays)} after stop was set ({len(delays)} tries); waiting on "
        "stop, it would end within a millisecond or two. It seems to sleep in slices and "
        "look at stop in between, so it notices a stop up to a slice late. Pause with "
        "stop.wait(pause): it returns True the moment stop is set, and False when the "
        "pause is over."
    )


def test_a_pausing_loop_burns_no_cpu_and_sleeps():
    stop = threading.Event()
    loop = Loop(stop, pause=LONG_PAUSE)
    try:
        loop.first_step()  # the loop has just begun its long pause
        window, woke = watch_sleepers([loop.native_id], LOOP_WINDOW)
        if woke is not None and 0 < woke[0] <= 3:
            # Too few to tell: on a loaded machine a loop that naps in slices gets the CPU
            # back late and wakes fewer times. Watch longer; a sleeping loop stays asleep.
            more_window, more = watch_sleepers([loop.native_id], 6 * LOOP_WINDOW, settled=True)
            window, woke = window + more_window, [woke[0] + more[0]]
    finally:
        stop.set()
    loop.ends_within()
    paused = loop.ended_at - loop.stepped_at
    cpu = loop.ended_cpu - loop.stepped_cpu
    assert cpu < BUSY * paused, (
        f"in {paused * 1000:.0f} ms of pausing the loop burnt {cpu * 1000:.0f} ms of CPU "
        f"({100 * cpu / paused:.0f}% of a core): it is busy-waiting, checking the clock and "
        "stop over and over, instead of sleeping. stop.wait(pause) sleeps and still wakes "
        "the moment stop is set."
    )
    if woke is not None:  # how often the thread ran (elsewhere than Linux: the process)
        assert woke[0] <= 3, (
            f"in {window * 1000:.0f} ms of its pause the loop's thread was woken up "
            f"{woke[0]} times, though nothing happened: it sleeps in short slices and looks "
            "at stop in between. stop.wait(pause) sleeps the whole pause in one go and "
            "still wakes the moment stop is set."
        )


def test_the_loop_looks_at_stop_before_every_step():
    stop = threading.Event()
    stop.set()
    calls = []
    count = finishes_within(
        timing.AT_ONCE, gate.repeat_until_stopped, stop, lambda: calls.append(1), 0.0,
        explain="stop was set before the loop started: it should return at once",
    )  # fmt: skip
    assert calls == [] and count == 0, (
        f"stop was set before the loop started, yet step was called {len(calls)} times "
        f"(and {count!r} returned): look at stop before each call, including the first"
    )

    stop = threading.Event()

    def step():
        calls.append(1)
        if len(calls) == 3:
            stop.set()

    count = finishes_within(timing.AT_ONCE, gate.repeat_until_stopped, stop, step, 0.0,
                            explain="step sets stop on its 3rd call")  # fmt: skip
    assert type(count) is int and len(calls) == 3 and count == 3, (
        f"step set stop during its 3rd call; the loop called it {len(calls)} times and "
        f"returned {count!r}: expected 3 and 3"
    )

    calls.clear()
    stop = threading.Event()
    count = finishes_within(timing.AT_ONCE, gate.repeat_until_stopped, stop, step,
                            explain="pause left out (default 0): step sets stop on its 3rd call")  # fmt: skip
    assert len(calls) == 3 and count == 3, (
        f"with pause left out (it defaults to 0: no pause), step set stop during its 3rd "
        f"call; the loop called it {len(calls)} times and returned {count!r}: expected 3 and 3"
    )


def test_the_loop_pauses_between_steps():
    stop = threading.Event()
    pause = 0.02
    times = []

    def step():
        times.append(time.monotonic())
        if len(times) == 3:
            stop.set()

    count = finishes_within(timing.AT_ONCE, gate.repeat_until_stopped, stop, step, pause,
                            explain="step sets stop on its 3rd call")  # fmt: skip
    assert len(times) == 3 and count == 3, (
        f"step set stop during its 3rd call; the loop called it {len(times)} times and "
        f"returned {count!r}, expected 3 and 3. (stop.wait(pause) returns False when the "
        "pause ran out with stop still clear: that means go on, not stop.)"
    )
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.8 * pause, (
        f"with pause={pause}, the calls came {', '.join(f'{1000 * g:.1f}' for g in gaps)} "
        f"ms apart; there should be a pause of {1000 * pause:.0f} ms between two calls"
    )
