"""Tests for 13_conditions. Run them with:  pytest exercises/13_conditions

The tests that need to know who is waiting hand the buffer a WatchedCondition
(kata/watched.py): a threading.Condition that counts the threads asleep in wait() and not
yet notified. When it says three, all three will be woken by the next notify_all(); when
a woken thread has gone back to waiting, it says so. So the tests never sleep "long
enough" and hope: they wait until the condition says what they need, and every race
(three consumers woken for one item, an item taken back before a woken consumer runs,
two puts under one hold of the lock) is built by the test holding the lock, so it holds
the same way on a free-threaded build, where threads really run at once.
"""

import queue
import sys
import threading
import time
from collections import Counter

import pytest

from kata import Call, finishes_within, guard, implementation, messages, timing
from kata.watched import WatchedCondition

bounded_buffer = implementation("bounded_buffer")

# The bounds are kata.timing's: AT_ONCE for a call, or for a woken thread to run or to fall
# asleep in wait(); SOON for the ten thousand items. Not bounds:
TIMEOUT = 0.05  # a test input: a put's or get's timeout, in the tests that notify it while it waits
NOTIFYING = 10 * TIMEOUT  # a window: how long the test keeps waking it up with nothing to give

USE_THE_CONDITION = (
    "BoundedBuffer must wait on the condition it was given (BoundedBuffer(capacity, "
    "condition)), not on one of its own, and must wait, not sleep or spin in a loop."
)
WHILE_NOT_IF = (
    "A consumer that wakes up must check again that there is an item before it takes one: "
    "another thread may have taken it first. Wait in a loop ('while not ...: wait()') or "
    "with wait_for(predicate), never with 'if not ...: wait()'."
)
ITEMS = 10_000
PRODUCERS = CONSUMERS = 3


def test_items_come_out_first_in_first_out(new_buffer):
    buf = new_buffer(3)
    for item in ("a", "b", "c"):
        call(buf.put, item)
    size = call(len, buf)
    assert size == 3, f"3 items were put into the buffer, but len() says {size}"
    taken = [call(buf.get) for _ in range(3)]
    assert taken == ["a", "b", "c"], (
        f"put 'a', 'b', 'c' and got back {taken}: a buffer hands items out oldest first"
    )
    size = call(len, buf)
    assert size == 0, f"every item was taken, but len() says {size}"
    big = new_buffer(300)  # a capacity past CPython's cached small ints: 'is not' fails here
    call(lambda: [big.put(n, timeout=0) for n in range(300)])
    expect_timeout(
        lambda timeout: big.put("one too many", timeout=timeout), 0, "put",
        "a buffer holding its capacity of 300 items", accepted=" (it accepted a 301st item)",
    )  # fmt: skip
    try:
        new_buffer(0)
    except ValueError:
        pass
    else:
        raise AssertionError(
            "BoundedBuffer(0) should raise ValueError: a buffer with no room would make "
            "every put wait forever"
        )


def test_put_waits_while_full_and_goes_on_when_a_slot_frees(new_buffer):
    watch = WatchedCondition()
    buf = new_buffer(2, watch)
    call(buf.put, "a")
    call(buf.put, "b")
    times_out(watch, lambda timeout: buf.put("c", timeout=timeout), "put", "a full buffer", "for a slot to free")
    size = call(len, buf)
    assert size == 2, f"put timed out on a full buffer of 2, yet len() says {size}"
    producer = Worker(lambda: buf.put("c"), "producer", watch)
    wait_until_asleep(watch, 1, [producer], "put into a full buffer")
    first = call(buf.get)
    assert first == "a", f"'a' went in first, but get handed out {first!r}: oldest first"
    producer.outcome(stuck=(
        "get freed a slot, but the producer waiting in put was never woken up: whoever "
        "changes the buffer must notify the condition, or waiters sleep forever."
    ))
    rest = [call(buf.get) for _ in range(2)]
    assert rest == ["b", "c"], (
        f"after 'a', the buffer should hand out 'b' and then 'c' (the producer's item that "
        f"waited for the slot), but gave {rest}"
    )


def test_get_waits_while_empty_and_wakes_when_an_item_arrives(new_buffer):
    watch = WatchedCondition()
    buf = new_buffer(2, watch)
    times_out(watch, lambda timeout: buf.get(timeout=timeout), "get", "an empty buffer", "for an item to arrive")
    call(buf.put, "w")
    item = call(buf.get, timeout=0)
    assert item == "w", f"get(timeout=0) on a buffer holding 'w' gave {item!r}: an item that is there is handed out at once"
    consumer = Worker(buf.get, "consumer", watch)
    wait_until_asleep(watch, 1, [consumer], "get from an empty buffer")
    call(buf.put, "x")
    item = consumer.outcome(stuck=(
        "put added an item, but the consumer waiting in get was never woken up: whoever "
        "changes the buffer must notify the condition, or waiters sleep forever."
    ))
    assert item == "x", f"the waiting consumer got {item!r}, not the 'x' that was put"


def test_a_woken_consumer_checks_again_before_taking(new_buffer):
    # Forced: each put comes only once the watched condition says every consumer sleeps
    # in wait(), and the item a consumer is woken for is taken back by a thread that holds
    # the lock all along. No step depends on how the threads are scheduled, so it holds
    # the same with or without a GIL (a free-threaded build runs them truly at once).
    watch = WatchedCondition()
    buf = new_buffer(5, watch)

    # Three consumers wait on an empty buffer; one item arrives. However many of them
    # are woken, exactly one may take it; the others must go back to waiting.
    consumers = start(3, buf.get, "consumer", watch)
    wait_until_asleep(watch, 3, consumers, "get from an empty buffer")
    call(buf.put, 1)
    # Settled: every consumer has either returned or gone back to sleep in wait().
    watch.until(lambda: watch.asleep + sum(w.done for w in consumers) == 3)
    call(buf.put, 2)
    call(buf.put, 3)
    stuck = (
        "3 items were put, one by one, for 3 waiting consumers, yet this one never "
        "returned: every put must wake the waiting consumers (notify_all()), and a woken "
        "consumer that finds an item must take it."
    )
    got = [w.outcome(expect=Exception, stuck=stuck) for w in consumers]
    assert sorted(got, key=repr) == [1, 2, 3], (
        f"3 waiting consumers and items 1, 2, 3 put one by one; the consumers got {got}. "
        + WHILE_NOT_IF
    )

    # A consumer is woken for an item, but before it gets the lock back another thread
    # (holding the lock all along) takes that item.
    consumer = Worker(buf.get, "late consumer", watch)
    wait_until_asleep(watch, 1, [consumer], "get from an empty buffer")

    def put_then_take_it_back():
        with watch:  # re-entrant: put and get take the same lock again
            buf.put("x")
            return buf.get()

    assert call(put_then_take_it_back) == "x"
    watch.until(lambda: watch.asleep == 1 or consumer.done)  # back to sleep, or returned
    call(buf.put, "y")
    got = consumer.outcome(expect=Exception, stuck=(
        "the consumer was woken for 'x', which another thread took first, and then never "
        "returned, not even for 'y': every put must wake the waiting consumers."
    ))  # fmt: skip
    assert got == "y", (
        f"a consumer was woken for an item that another thread took before it could; it "
        f"then got {got!r} instead of waiting for the next item, 'y'. " + WHILE_NOT_IF
    )


def test_a_wakeup_never_goes_to_the_wrong_waiter(new_buffer):
    # Forced: both consumers are asleep in wait() before the puts, and both puts happen
    # under one hold of the lock, so the lost wake-up of notify() happens on every run,
    # with or without a GIL.
    watch = WatchedCondition()
    buf = new_buffer(1, watch)
    consumers = start(2, buf.get, "consumer", watch)
    wait_until_asleep(watch, 2, consumers, "get from an empty buffer")

    def put_two():
        # Both puts under one hold of the lock: the consumers woken by the first put can
        # only run once the second finds the buffer full and waits, giving the lock up.
        with watch:
            buf.put("a")
            buf.put("b")

    lesson = (
        "Two consumers waited on an empty buffer of 1 slot; a producer put 'a', then "
        "waited to put 'b'. Producers and consumers wait on the same condition, so a "
        "notify() wakes one waiter of either kind: the consumer that took 'a' can wake the "
        "other consumer (which finds the buffer empty and goes back to sleep) instead of "
        "the producer. That wake-up is lost and everybody waits. With one condition for "
        "both kinds of waiter, use notify_all()."
    )
    finishes_within(timing.AT_ONCE, put_two, explain=lesson)
    got = [w.outcome(stuck=lesson) for w in consumers]
    assert sorted(got, key=repr) == ["a", "b"], f"two consumers got {got}, expected 'a' and 'b'"


def test_close_wakes_every_waiting_consumer(new_buffer):
    # Forced: close() comes only once all three consumers sleep in wait(), on any build.
    watch = WatchedCondition()
    buf = new_buffer(2, watch)
    consumers = start(3, buf.get, "consumer", watch)
    wait_until_asleep(watch, 3, consumers, "get from an empty buffer")
    call(buf.close)
    lesson = (
        "close() must wake every thread waiting on the condition (notify_all(), not "
        "notify()), and a woken get must see that the buffer is closed and raise Closed "
        "instead of going back to waiting: its wait predicate includes 'closed'."
    )
    results = [w.outcome(stuck=lesson, expect=bounded_buffer.Closed) for w in consumers]
    wrong = [r for r in results if not isinstance(r, bounded_buffer.Closed)]
    assert not wrong, f"get on a closed, empty buffer should raise Closed; it returned {wrong}"


def test_close_wakes_every_waiting_producer(new_buffer):
    # Forced: close() comes only once all three producers sleep in wait(), on any build.
    watch = WatchedCondition()
    buf = new_buffer(1, watch)
    call(buf.put, "kept")
    producers = start(3, lambda: buf.put("late"), "producer", watch)
    wait_until_asleep(watch, 3, producers, "put into a full buffer")
    call(buf.close)
    lesson = (
        "close() must wake every thread waiting on the condition (notify_all(), not "
        "notify()), and a woken put must see that the buffer is closed and raise Closed "
        "instead of going back to waiting for a slot that will never be needed."
    )
    results = [w.outcome(stuck=lesson, expect=bounded_buffer.Closed) for w in producers]
    assert all(isinstance(r, bounded_buffer.Closed) for r in results), (
        "put that was waiting when the buffer was closed should raise Closed; it returned "
        f"{results}"
    )
    kept = take(buf)
    assert kept == "kept", (
        f"'kept' was in the buffer when it was closed, but get then gave {kept!r}: closing "
        "stops new items, it does not throw away the ones already in the buffer"
    )


def test_close_lets_consumers_take_what_is_left(new_buffer):
    buf = new_buffer(3)
    call(buf.put, 1)
    call(buf.put, 2)
    call(buf.close)
    try:
        call(buf.put, 3)
    except bounded_buffer.Closed:
        pass
    else:
        raise AssertionError("put on a closed buffer should raise Closed; it accepted the item")
    left = [take(buf), take(buf)]
    assert left == [1, 2], (
        f"the buffer held 1 and 2 when it was closed; get then handed out {left}. "
        "Closing stops new items, it does not throw away the ones already in the buffer."
    )
    try:
        item = call(buf.get, explain=(
            "get on a closed, empty buffer waits for an item that can never come: once the "
            "buffer is closed and empty, get must raise Closed (its wait predicate includes "
            "'closed')."
        ))  # fmt: skip
    except bounded_buffer.Closed:
        pass
    else:
        raise AssertionError(
            f"get on a closed, empty buffer should raise Closed, not return {item!r}"
        )


def test_ten_thousand_items_none_lost_none_duplicated(new_buffer):
    # A load test, not a forced race: the races are forced one by one in the tests above.
    # It catches what only shows at volume (a wake-up lost now and then, a deque changed
    # outside the lock); on a free-threaded build the threads really overlap, which makes
    # an unguarded deque fail sooner, not later.
    buf = new_buffer(16)
    taken = [[] for _ in range(CONSUMERS)]
    producing = [PRODUCERS]
    count_lock = threading.Lock()

    def work(index):
        if index < PRODUCERS:
            for item in range(index, ITEMS, PRODUCERS):
                buf.put(item)
            with count_lock:
                producing[0] -= 1
                if producing[0] == 0:
                    buf.close()  # the last producer done: consumers stop once it is empty
        else:
            mine = taken[index - PRODUCERS]
            try:
                while len(mine) <= ITEMS:  # more than were put: get hands out what never was
                    mine.append(buf.get())
            except bounded_buffer.Closed:
                pass

    go = threading.Event()  # all start together, once every thread is running
    try:
        workers = [
            Worker(lambda index=index: go.wait() and work(index), f"{kind}-{index}")
            for index, kind in enumerate(["producer"] * PRODUCERS + ["consumer"] * CONSUMERS)
        ]
    finally:
        go.set()
    deadline = time.monotonic() + timing.SOON
    for worker in workers:
        worker.thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [w for w in workers if not w.done]
    if stuck:
        headline = (
            f"{len(stuck)} of {len(workers)} threads did not finish within {timing.SOON:g} s. "
            f"{PRODUCERS} producers put {ITEMS} items through a buffer of 16 slots and "
            f"{CONSUMERS} consumers took them until it was closed and empty; this takes a "
            "right answer well under a second. Some thread waits for a wake-up that never "
            "comes, or never sees the buffer closed, or spins. Stuck:"
        )
        report = messages.stuck_report(headline, [w.thread for w in stuck])
        for worker in stuck:
            guard.excuse(worker.thread)  # reported here: the leak check need not wait for them
        close_soon(buf)  # a spinning buffer sees it is closed and lets go of the CPU
        pytest.fail(report, pytrace=False)
    for worker in workers:
        worker.outcome()  # raises what a worker raised
    counts = Counter(item for mine in taken for item in mine)
    lost = [i for i in range(ITEMS) if counts[i] == 0]
    doubled = sorted(i for i, n in counts.items() if n > 1)
    strange = sorted((i for i in counts if not (isinstance(i, int) and 0 <= i < ITEMS)), key=repr)
    assert not (lost or doubled or strange), (
        f"of {ITEMS} items, {len(lost)} were never taken (e.g. {lost[:5]}), {len(doubled)} "
        f"were taken more than once (e.g. {doubled[:5]}), and {strange[:5]} were taken "
        "though never put. Each item must be added and removed inside the condition's lock, "
        "in one step with the check that there is room or an item."
    )


def test_a_waiting_consumer_sleeps_instead_of_spinning(new_buffer):
    # Not a race: it counts the lines the waiting consumer runs while nothing happens.
    # A right answer runs a few and sleeps in wait(), on any build.
    watch = WatchedCondition()
    buf = new_buffer(2, watch)
    own_file = sys.modules[bounded_buffer.BoundedBuffer.__module__].__file__
    lines_run = [0]

    def count_lines(frame, event, arg):
        if event == "line":
            lines_run[0] += 1
        return count_lines

    def trace_own_code(frame, event, arg):
        return count_lines if frame.f_code.co_filename == own_file else None

    def get_traced():
        sys.settrace(trace_own_code)
        try:
            return buf.get()
        finally:
            sys.settrace(None)

    window = 0.06  # a window: how long the consumer is watched while nothing at all happens
    consumer = Worker(get_traced, "consumer", watch)
    consumer.thread.join(window)  # observing, not synchronising: a right get just waits
    lines, waits = lines_run[0], watch.waits
    if consumer.done:
        consumer.outcome()  # raises what get raised
        raise AssertionError(
            f"get on an empty buffer returned {consumer.value!r} instead of waiting"
        )
    call(buf.put, "x")
    assert consumer.outcome(stuck="put added an item but the waiting get never returned") == "x"
    assert lines <= 60 and waits <= 2, (
        f"for {window} s a consumer waited on an empty buffer while nothing happened, and "
        f"in that time it ran {lines} lines of your code and called wait() {waits} times. A "
        "thread that waits on a condition uses no CPU until it is notified: it should run "
        "a few lines, call wait() once, and sleep. Checking in a loop (with or without "
        "time.sleep, or with a short wait timeout) is busy-waiting: it burns CPU and "
        "reacts late."
    )


# --- helpers -----------------------------------------------------------------------------


class Worker(Call):
    """kata.Call of fn() that pokes the watch when it ends; outcome() hands its result over.

    ``group`` is the list of workers started together (start()): once one is reported
    stuck, the leak check after the test need not wait for any of them.
    """

    def __init__(self, fn, name, watch=None, group=None):
        super().__init__(fn, name=name, changed=watch.news.cond if watch is not None else None)
        self.group = [] if group is None else group
        self.group.append(self)

    def outcome(self, seconds=timing.AT_ONCE, stuck="", expect=()):
        """What fn returned, or the exception it raised if it is one of `expect`.

        Any other exception is raised here; still running after `seconds` fails the test.
        """
        self.thread.join(seconds)
        if self.thread.is_alive():
            for worker in self.group:  # reported here: the leak check need not wait for them
                guard.excuse(worker.thread)
            pytest.fail(messages.stuck_report(f"{stuck}\nStuck:", [self.thread]), pytrace=False)
        if self.error is not None:
            if isinstance(self.error, expect):
                return self.error
            raise_with_lesson(self.error)
        return self.value


def times_out(watch, op, name, where, what_for):
    """op(timeout=...) on a buffer that stays as it is must raise TimeoutError: with 0 at
    once, with 0.02 after waiting on the condition, and with TIMEOUT within its timeout
    however often it is woken up meanwhile (the test notifies with nothing for it)."""
    accepted = " (a buffer of capacity 2 accepted a third item)" if name == "put" else ""
    expect_timeout(op, 0, name, where, accepted=accepted, explain=(
        f"{name}(timeout=0) on {where} waited and did not come back: timeout=0 means do not "
        "wait at all; raise TimeoutError at once. 'if timeout:' treats 0 like None (wait "
        "for ever): compare with None ('if timeout is None:') instead."
    ))  # fmt: skip
    started = time.monotonic()
    expect_timeout(op, 0.02, name, where, accepted=accepted)
    waited = time.monotonic() - started
    check(watch.waits > 0 and waited >= 0.017, (
        f"{name}(timeout=0.02) on {where} gave up after {waited:.3f} s, having called "
        f"wait() {watch.waits} times: it should wait on the condition, up to the timeout, "
        f"{what_for}. {USE_THE_CONDITION}"
    ))
    # Spurious wake-ups: while it waits, the test notifies the condition again and again
    # with nothing for it (allowed: a woken thread must check again anyway). Its timeout
    # must still run out on time, not start again at each wake-up.
    waiter = Worker(lambda: op(TIMEOUT), f"{name} with a timeout", watch)
    started, wakeups = time.monotonic(), 0
    while not waiter.done and time.monotonic() - started < NOTIFYING and not restarted(watch, waiter):
        if watch.until(lambda: watch.asleep >= 1 or waiter.done, TIMEOUT) and not waiter.done:
            with watch:
                watch.notify_all()
            wakeups += 1
        time.sleep(TIMEOUT / 8)  # paces the wake-ups; nothing waits on this sleep
    in_time = waiter.done and not restarted(watch, waiter)
    result = waiter.outcome(expect=TimeoutError, stuck=f"{name}(timeout={TIMEOUT}) on {where} never returned")
    check(isinstance(result, TimeoutError), (
        f"{name}(timeout={TIMEOUT}) on {where} returned {result!r}; it should raise TimeoutError"
    ))
    check(in_time, (
        f"{name}(timeout={TIMEOUT}) on {where} was woken {wakeups} times by notifies with "
        f"nothing for it, and after its {TIMEOUT:g} s were up it called wait() for another "
        f"{TIMEOUT:g} s: every wake-up started its timeout again, so a waiter that is "
        "notified often enough waits for ever. Work out the deadline once "
        "(time.monotonic() + timeout) and wait only for what is left of it after each "
        "wake-up, or let wait_for(predicate, timeout) do it."
    ))


def restarted(watch, waiter):
    """Has the waiter, after its timeout was up, called wait() for (nearly) a whole timeout
    again? Counted from its first wait(); a right answer asks at most for what is left."""
    waits = watch.waits_of(waiter.thread)
    return bool(waits) and any(
        at > waits[0][0] + TIMEOUT and (timeout is None or timeout >= 0.9 * TIMEOUT)
        for at, timeout in waits[1:]
    )


def check(ok, message):
    """Like assert, but the failure shows only the message: what was expected, what happened."""
    if not ok:
        pytest.fail(message, pytrace=False)


def expect_timeout(op, timeout, name, where, explain="", accepted=""):
    try:
        returned = call(op, timeout, explain=explain)
    except TimeoutError:
        return
    pytest.fail(
        f"{name}(timeout={timeout}) on {where} returned {returned!r}{accepted}: it must "
        "wait, up to its timeout, and raise TimeoutError when nothing changed in time",
        pytrace=False,
    )


QUEUE_EXCEPTIONS = (
    "queue.Full and queue.Empty are queue.Queue's exceptions; this buffer's put and get "
    "raise TimeoutError when their timeout runs out, as their docstrings say (code copied "
    "from Lib/queue.py raises Full and Empty: change them). A buffer built on a "
    "queue.Queue does not wait on the condition it was given either: build it on a deque "
    "and that condition."
)


def raise_with_lesson(exc):
    if isinstance(exc, (queue.Full, queue.Empty)):
        pytest.fail(f"queue.{type(exc).__name__} was raised. {QUEUE_EXCEPTIONS}", pytrace=False)
    if isinstance(exc, RuntimeError) and "un-acquired" in str(exc):
        raise AssertionError(
            f"RuntimeError: {exc}. wait() and notify() may only be called by the thread "
            "that holds the condition's lock, inside 'with self._condition:'. wait() gives "
            "the lock up while it sleeps and takes it back before it returns."
        ) from exc
    raise exc


def call(fn, *args, explain="", **kwargs):
    """fn(*args, **kwargs) in a helper thread, failing fast (with `explain`) if it is stuck."""
    try:
        return finishes_within(timing.AT_ONCE, fn, *args, explain=explain, **kwargs)
    except (RuntimeError, queue.Full, queue.Empty) as exc:
        raise_with_lesson(exc)


def take(buf):
    """buf.get(), or the Closed it raised."""
    try:
        return call(buf.get)
    except bounded_buffer.Closed as exc:
        return exc


def start(count, fn, name, watch):
    group = []
    for i in range(count):
        Worker(fn, f"{name}-{i}", watch, group)
    return group


def wait_until_asleep(watch, count, workers, who):
    """Until `count` threads sleep in wait(); fails if they don't, or if one ends early."""
    watch.until(lambda: watch.asleep >= count or any(w.done for w in workers))
    for worker in workers:
        if worker.done and worker.error is not None:
            raise_with_lesson(worker.error)
    finished = [w.value for w in workers if w.done]
    assert not finished, (
        f"{who} should have waited, but returned {finished}. {USE_THE_CONDITION}"
    )
    assert watch.asleep >= count, (
        f"expected {count} threads waiting on the condition ({who}); after {timing.AT_ONCE:g} s, "
        f"{watch.asleep} were. {USE_THE_CONDITION}"
    )


@pytest.fixture
def new_buffer():
    """Makes buffers and closes them after the test, so a wrong one leaves no thread spinning."""
    made = []

    def make(capacity, condition=None):
        buffer = bounded_buffer.BoundedBuffer(capacity, condition)
        made.append(buffer)
        return buffer

    yield make
    close_soon(*made)


def close_soon(*buffers):
    """Close these buffers, in a helper thread given a moment (AT_ONCE), ignoring any error."""

    def close_quietly():
        for buffer in buffers:
            try:
                buffer.close()
            except BaseException:
                pass

    closer = threading.Thread(target=close_quietly, name="closing the test's buffers", daemon=True)
    closer.start()
    closer.join(timing.AT_ONCE)
