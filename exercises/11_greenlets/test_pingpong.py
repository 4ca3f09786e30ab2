"""Tests for 11_greenlets. Run them with:  pytest exercises/11_greenlets

Greenlets take turns in one thread, so these tests record the order of events in a
log (what ran, in which greenlet, in which OS thread) and compare orders, never times.
A failure shows the log as a timeline, one line per event.
"""

from __future__ import annotations

import threading

import greenlet

from kata import finishes_within, implementation

pingpong = implementation("pingpong")


class Log:
    """Records (label, greenlet, thread id) for each event, and draws them as a timeline."""

    def __init__(self):
        self.events = []
        self.names = {}

    def record(self, *label):
        who = greenlet.getcurrent()
        self.names.setdefault(id(who), f"greenlet-{len(self.names) + 1}")
        self.events.append((" ".join(map(str, label)), who, threading.get_ident()))

    def labels(self):
        return [label for label, _, _ in self.events]

    def timeline(self, caller=None, home=None):
        if not self.events:
            return "    (nothing was recorded)"
        main = home if home is not None else self.events[0][2]
        lines = []
        for step, (label, who, ident) in enumerate(self.events, 1):
            where = "the caller's greenlet" if who is caller else self.names[id(who)]
            thread = "" if ident == main else "   <- in another OS thread!"
            lines.append(f"    {step:>2}. {label:<10} in {where}{thread}")
        return "\n".join(lines)


def expected_turns(lengths):
    """The order of steps when tasks of these lengths (steps each) take turns."""
    order = []
    for step in range(max(lengths, default=0)):
        order += [f"{chr(ord('a') + i)}{step + 1}" for i, n in enumerate(lengths) if step < n]
    return order


def make_task(log, name, steps, result):
    def task():
        for step in range(1, steps + 1):
            log.record(f"{name}{step}")
            if step < steps:
                pingpong.pause()
        return result

    task.__name__ = f"task_{name}"
    return task


# --- 1. ping-pong ------------------------------------------------------------------------


def test_ping_and_pong_take_turns():
    log = Log()
    returned = pingpong.ping_pong(3, log.record)
    want = ["ping 1", "pong 1", "ping 2", "pong 2", "ping 3", "pong 3"]
    assert log.labels() == want, (
        f"ping and pong should take turns, one record each, starting with ping:\n    "
        f"{' | '.join(want)}\nwhat was recorded, in order:\n{log.timeline()}\n"
        "Each side records, then switches to the other; the other resumes right after "
        "its own switch() call. A greenlet runs until it switches: if one side records "
        "twice in a row, it did not switch between its records (or the other side "
        "switched back before it recorded)."
    )
    assert type(returned) is int and returned == 3, (
        f"ping_pong(3, ...) returned {returned!r}, expected 3: when ping's function "
        "returns, its return value comes out of the switch() that last switched into "
        "ping's parent, which is the caller's ping.switch(). Return that."
    )
    pings = {who for label, who, _ in log.events if label.startswith("ping")}
    assert pings and all(who.dead for who in pings), (
        "ping_pong returned while the ping greenlet was still suspended, not finished: "
        "ping's function should return rounds (then it is dead, and the value goes to its "
        "parent), not switch it to the parent and wait there for ever."
    )
    nothing = Log()
    zero = pingpong.ping_pong(0, nothing.record)
    assert type(zero) is int and zero == 0 and nothing.labels() == [], (
        f"ping_pong(0, ...) returned {zero!r} and recorded:\n{nothing.timeline()}\nZero "
        "rounds: nobody records anything and ping returns 0. Check the loop's condition "
        "before each round (for n in range(1, rounds + 1)), not after the first one."
    )


def test_ping_and_pong_are_two_greenlets_in_the_callers_thread():
    log = Log()
    caller = greenlet.getcurrent()
    pingpong.ping_pong(4, log.record)
    timeline = log.timeline(caller, threading.get_ident())
    threads = {ident for _, _, ident in log.events}
    assert threads == {threading.get_ident()}, (
        "ping and pong ran in another OS thread:\n" + timeline + "\nGreenlets are not "
        "threads: they all live in the thread that created them and take turns there, "
        "by switching. Create two greenlet(...) objects, start no threads."
    )
    pings = {id(who) for label, who, _ in log.events if label.startswith("ping")}
    pongs = {id(who) for label, who, _ in log.events if label.startswith("pong")}
    assert len(pings) == 1 and len(pongs) == 1 and pings != pongs, (
        "every ping should be recorded by one greenlet and every pong by another:\n"
        + timeline
        + "\nCreate two greenlets, one running ping's loop and one running pong's, and "
        "switch between them."
    )
    assert id(caller) not in pings | pongs, (
        "some records were made by the caller's own greenlet:\n" + timeline + "\nping "
        "and pong each run in a new greenlet; the caller only starts ping and waits for "
        "the result."
    )


# --- 2. values through switch ----------------------------------------------------------


def test_values_travel_through_switch():
    adder = pingpong.make_adder()
    assert isinstance(adder, greenlet.greenlet), (
        f"make_adder() returned {adder!r}; it should return a greenlet.greenlet"
    )
    assert not adder, "make_adder() should return a greenlet that has not started yet"
    sent, got = [], []
    for value in (0, 5, 3, 0, 10, -2):
        sent.append(value)
        got.append(adder.switch(value))
    want = [0, 5, 8, 8, 18, 16]
    assert all(type(total) is int for total in got) and got == want, (
        f"switching {sent} into the adder one by one, the switches returned {got}; "
        f"expected the running totals {want}. What one side passes to switch(x) is what "
        "the other side's switch() call returns: the adder gets the number from its own "
        "parent.switch(total), and the total it passes there is what the caller's "
        "adder.switch(number) returns. 0 is a number to add, not the end: only None "
        "ends the adder (`while value is not None`, not `while value`)."
    )
    assert not adder.dead, "the adder finished before it was sent None"
    other = pingpong.make_adder()
    assert other is not adder and not other, "each make_adder() call should return a new greenlet"
    firsts = [other.switch(100), adder.switch(1), other.switch(1)]
    assert firsts == [100, 17, 101], (
        f"two adders, switched in turn: the new one got 100, the old one (at 16) got 1, the "
        f"new one got 1; the switches returned {firsts}, expected [100, 17, 101]. Each "
        "adder keeps its own total, in its own greenlet's local variable: a total kept in "
        "a global, or in a default argument (evaluated once, when the def runs), is shared "
        "by every adder."
    )


def test_a_finished_greenlet_returns_to_its_parent():
    adder = pingpong.make_adder()
    assert adder.parent is greenlet.getcurrent(), (
        "the adder's parent should be the greenlet that called make_adder()"
    )
    adder.switch(4)
    adder.switch(6)
    final = adder.switch(None)
    assert final == 10, (
        f"after adding 4 and 6, adder.switch(None) returned {final!r}, expected 10: end "
        "the adder's function with 'return total'; a greenlet's return value is what its "
        "parent's switch() returns."
    )
    assert adder.dead, (
        "after switch(None) the adder is still alive, suspended somewhere: its function "
        "should return (finish), not switch the total to its parent and wait for more."
    )


# --- 3. a round-robin scheduler ---------------------------------------------------------


def test_round_robin_runs_tasks_in_turn():
    log = Log()
    tasks = [make_task(log, name, 3, name.upper()) for name in "abc"]
    results = pingpong.round_robin(tasks)
    want = expected_turns([3, 3, 3])
    assert log.labels() == want, (
        "three tasks of three steps each, pausing between steps, should take turns:\n    "
        f"{' '.join(want)}\nwhat ran, in order:\n{log.timeline()}\nEach task runs until "
        "pause(), which switches back to the scheduler; the scheduler then starts or "
        "resumes the next task. A task that runs all its steps at once was never paused "
        "out of (or pause() did not switch)."
    )
    assert type(results) is list and results == ["A", "B", "C"], (
        f"round_robin returned {results!r}, expected ['A', 'B', 'C']: the tasks' return "
        "values, in the order of the tasks. The switch() that resumed a task returns its "
        "return value when the task finishes (task.dead is then True)."
    )


def test_round_robin_carries_on_when_tasks_finish_early():
    log = Log()
    lengths = [1, 4, 2, 3]
    returns = ["one", None, 2, "three"]
    tasks = [make_task(log, chr(ord("a") + i), n, r) for i, (n, r) in enumerate(zip(lengths, returns))]
    results = finishes_within(
        1.0,
        pingpong.round_robin,
        tasks,
        explain=(
            "round_robin did not return, though every task finishes after a few steps: it "
            "never sees that all tasks are done. A finished task is dead (task.dead); "
            "take it out of the queue, and stop when the queue is empty. Do not tell "
            "'finished' by its return value: a task may return None."
        ),
    )
    want = expected_turns(lengths)
    assert log.labels() == want, (
        f"four tasks of {lengths} steps: each finished task should drop out, and the "
        f"others go on taking turns:\n    {' '.join(want)}\nwhat ran, in order:\n"
        f"{log.timeline()}\nIf a task is missing its last steps, the scheduler stopped "
        "early or lost it; if a task was skipped in a round, check how the finished task "
        "was removed (removing from a list while looping over it skips the next one)."
    )
    assert type(results) is list and results == returns, (
        f"round_robin returned {results!r}, expected {returns!r}: every task's return "
        "value in the order of the tasks, also of tasks that finished early (and None "
        "where a task returns None)."
    )


def test_round_robin_runs_everything_in_one_thread():
    log = Log()
    caller = greenlet.getcurrent()
    tasks = [make_task(log, name, 2, name) for name in "ab"]
    pingpong.round_robin(tasks)
    timeline = log.timeline(caller, threading.get_ident())
    assert {ident for _, _, ident in log.events} == {threading.get_ident()}, (
        "some tasks ran in another OS thread:\n" + timeline + "\nround_robin is about "
        "greenlets: cooperative turns inside the caller's one thread. Start no threads; "
        "run each task in a greenlet and switch to it."
    )
    by_task = {}
    for label, who, _ in log.events:
        by_task.setdefault(label[0], set()).add(id(who))
    assert all(len(ids) == 1 for ids in by_task.values()) and len(
        set().union(*by_task.values())
    ) == len(by_task), (
        "each task should run all its steps in its own greenlet:\n" + timeline + "\nCreate "
        "one greenlet per task and resume that same greenlet each turn."
    )
    assert id(caller) not in set().union(*by_task.values()), (
        "a task ran in the caller's own greenlet:\n" + timeline
    )


def test_round_robin_of_nothing_and_of_one():
    nothing = pingpong.round_robin([])
    assert type(nothing) is list and nothing == [], (
        f"round_robin([]) returned {nothing!r}; it should return [] (an empty list) at once"
    )
    log = Log()
    results = pingpong.round_robin([make_task(log, "a", 3, 42)])
    assert log.labels() == ["a1", "a2", "a3"] and type(results) is list and results == [42], (
        f"one task of three steps returned {results!r} (expected [42]) and ran:\n"
        f"{log.timeline()}\nWith one task, each pause() comes straight back to it."
    )


def test_round_robin_returns_once_every_task_greenlet_has_finished():
    log = Log()
    lengths = [2, 1, 3]
    tasks = [make_task(log, chr(ord("a") + i), n, i) for i, n in enumerate(lengths)]

    def run_and_look():
        # Looked at in the thread that ran them: when a thread ends, greenlet ends the
        # greenlets it left suspended there, which would hide them from the test.
        results = pingpong.round_robin(tasks)
        return results, sorted({log.names[id(who)] for _, who, _ in log.events if not who.dead})

    results, parked = finishes_within(
        1.0, run_and_look,
        explain="round_robin did not return, though every task finishes after a few steps.",
    )  # fmt: skip
    assert type(results) is list and results == [0, 1, 2], (
        f"round_robin returned {results!r}, expected [0, 1, 2], the tasks' return values"
    )
    assert not parked, (
        f"round_robin returned while the greenlets that ran the tasks ({', '.join(parked)}) "
        f"were still suspended, not finished:\n{log.timeline()}\nA task's greenlet should "
        "end by returning from its function: then it is dead, and its return value comes "
        "out of the scheduler's switch(). A wrapper that stores the result and then "
        "switches to the scheduler (or pauses) to say 'done' leaves every greenlet parked "
        "in that switch; greenlet ends it only later, by raising GreenletExit inside it "
        "when it is garbage-collected, so its `finally` blocks run at some unknown time."
    )


def test_a_task_that_raises_stops_round_robin_with_its_exception():
    class Broken(Exception):
        pass

    log = Log()
    raised = []

    def breaks():
        log.record("b1")
        pingpong.pause()
        log.record("b2")
        raised.append(Broken("task b broke at its second step"))
        raise raised[-1]

    tasks = [make_task(log, "a", 3, "A"), breaks, make_task(log, "c", 3, "C")]
    error = None
    try:
        outcome = finishes_within(
            1.0, pingpong.round_robin, tasks,
            explain="round_robin did not return after task b raised.",
        )  # fmt: skip
    except Broken as exc:
        error = exc
    assert error is not None, (
        f"task b raised Broken at its second step, and round_robin returned {outcome!r}:\n"
        f"{log.timeline()}\nAn exception a greenlet does not catch ends it and is raised "
        "in its parent, out of the parent's switch(): let it come out of round_robin. "
        "Catching it and keeping it as a result (as gevent's Greenlet does, in its "
        "`exception` attribute) hides the failure from the caller."
    )
    assert error is raised[0], f"round_robin raised {error!r}, not the exception task b raised"
    want = ["a1", "b1", "c1", "a2", "b2"]
    assert log.labels() == want, (
        f"task b raised at its second step: the turns up to then were expected, and "
        f"nothing after ({' '.join(want)}); what ran:\n{log.timeline()}\nThe exception "
        "comes out of the scheduler's switch() to task b: it ends the scheduler too, and "
        "no other task is resumed."
    )
