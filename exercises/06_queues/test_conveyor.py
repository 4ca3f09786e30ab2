"""Tests for 06_queues. Run them with:  pytest exercises/06_queues

produce and consume are first tried one at a time, in this process, on queues the tests
make and read. Then run_conveyor runs them in processes of their own. The tests see
every process run_conveyor starts (they note each Process.start()), so a failure can
list them with how each one ended: on its own (exit code 0), crashed (1), or terminated
(-15).

Nothing here waits without a bound: every get has a timeout, and your functions run in
helper threads that the tests give up on in time, saying where they were stuck.
"""

import contextlib
import multiprocessing
import multiprocessing.connection
import multiprocessing.process
import multiprocessing.queues
import os
import queue
import threading
import time
from collections import Counter

import pytest

from kata import Call, finishes_within, guard, implementation, timing

conveyor = implementation("conveyor")

SOON = 2.0  # seconds for something a right answer does at once, in this process
QUIET = 0.1  # seconds a consumer is watched while its queue stays empty


def patience():
    """Seconds run_conveyor gets: starting processes with spawn on a loaded machine is slow."""
    return 3.0 if multiprocessing.get_start_method() == "fork" else 10.0


def boot_seconds():
    """How long one child takes to start and end right now (spawn and forkserver boot an
    interpreter: 0.1 s on an idle machine, a second or more on a loaded one)."""
    booting = time.monotonic()
    child = multiprocessing.Process(target=os.getpid, name="kata: how long a boot takes")
    child.start()
    child.join(patience())
    if child.is_alive():
        child.kill()
        child.join()
    return time.monotonic() - booting


# The tests wait with their own bounds (patience() and 3 s more at most), and say what went
# wrong; the test's time limit is only the last line of defence, so it must come later:
# 10 s under fork as everywhere, 24 s where children are fresh interpreters.
pytestmark = pytest.mark.timeout(2 * patience() + 4)

SENTINELS = (
    "A consumer ends when it takes a STOP, and one STOP ends one consumer: the parent "
    "must put one STOP per consumer once every producer has ended, and each consumer "
    "must pass its STOP on to the results queue, so the parent knows when all the "
    "results are in (one STOP per consumer), without guessing from a timeout."
)
PIPE_DEADLOCK = (
    "A multiprocessing.Queue sends through a pipe, and a pipe holds only about 64 KB "
    "until someone reads it. A process that has put data on a queue does not end until "
    "its data is in the pipe: join() it before anyone reads that queue and the parent "
    "waits for the child while the child waits for the parent. The consumers must run "
    "while the producers put (start them all first), and the parent must read the "
    "results before it joins the consumers."
)

THREAD_QUEUE = (
    "queue.Queue is a thread queue: it lives in the memory of one process, where its "
    "threads share it. A child process cannot share it: under fork each child gets a copy "
    "of its own (what a producer puts there, no one else ever sees), and under spawn and "
    "forkserver it cannot even be handed over (cannot pickle '_thread.lock'). Between "
    "processes, use multiprocessing.Queue, which carries items through a pipe."
)


# --- helpers ------------------------------------------------------------------------------


@pytest.fixture
def new_queue():
    """Makes multiprocessing queues for this test, and closes them after it."""
    made = []

    def make(maxsize=0):
        q = multiprocessing.Queue(maxsize)
        made.append(q)
        return q

    yield make
    for q in made:
        q.cancel_join_thread()  # what is left in a queue must not keep the test run alive
        q.close()


class WatchedQueue(multiprocessing.queues.Queue):
    """A multiprocessing.Queue that counts how often it is asked for an item or its size."""

    def __init__(self):
        super().__init__(ctx=multiprocessing.get_context())
        self.asked = 0
        self.first_ask = threading.Event()

    def _note(self):
        self.asked += 1
        self.first_ask.set()

    def get(self, block=True, timeout=None):
        self._note()
        return super().get(block, timeout)  # get_nowait() comes here too

    def empty(self):
        self._note()
        return super().empty()

    def qsize(self):
        self._note()
        return super().qsize()


def thread_queues_in(process):
    """The names of the thread queues (queue.Queue and friends) handed to a process."""
    handed = list(getattr(process, "_args", ())) + list(getattr(process, "_kwargs", {}).values())
    handed += [v for k, v in vars(process).items() if not k.startswith("_")]  # a Process subclass's own
    return [type(q).__name__ for q in handed if isinstance(q, (queue.Queue, queue.SimpleQueue))]


def is_consumer(process):
    """Does this process run consume (as its target, or as a Process subclass named so)?"""
    return "consum" in getattr(process, "_kata_runs", "").lower()


@contextlib.contextmanager
def watching_starts(kill_consumers=False):
    """Every process started meanwhile, in order (see the fixtures below)."""
    processes, queues = [], []
    original_start = multiprocessing.process.BaseProcess.start
    original_init = multiprocessing.queues.Queue.__init__

    def start(self):
        processes.append(self)
        # start() forgets the target and its arguments once the child has them: note now.
        self._kata_runs = getattr(getattr(self, "_target", None), "__name__", type(self).__name__)
        self._kata_thread_queues = thread_queues_in(self)
        original_start(self)
        if kill_consumers and is_consumer(self):
            self.kill()  # SIGKILL: a consumer that dies (say, the OOM killer) as it starts
        self._kata_started = time.monotonic()

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        queues.append(self)

    multiprocessing.process.BaseProcess.start = start
    multiprocessing.queues.Queue.__init__ = init
    try:
        yield processes
    finally:
        multiprocessing.process.BaseProcess.start = original_start
        multiprocessing.queues.Queue.__init__ = original_init
        for q in queues:
            # At exit, Python waits until each queue's feeder thread has written all it
            # holds into the pipe; with nobody left to read, that wait would never end.
            q.cancel_join_thread()
        for process in processes:
            if process._popen is not None and process.is_alive():
                process.terminate()
        for process in processes:
            if process._popen is not None:
                process.join(5)


@pytest.fixture
def consumers_killed():
    """Like started, but every consumer is killed (SIGKILL) as soon as it has started:
    nobody takes from the items queue, and no STOP ever reaches the results queue."""
    with watching_starts(kill_consumers=True) as processes:
        yield processes


@pytest.fixture
def started():
    """Every process started during the test, in order. At the end, any still running is
    stopped, and no queue made here may keep the test run from exiting."""
    with watching_starts() as processes:
        yield processes


def gone(pid):
    """True once no process, not even a zombie waiting to be reaped, has this pid."""
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the pid exists
    except ProcessLookupError:
        return True
    return False


def how_it_ended(process):
    code = process.exitcode
    if code is None:
        return "still running" if process.is_alive() else "not joined"
    if code == 0:
        return "exit code 0: ended on its own"
    if code < 0:
        return f"exit code {code}: killed by a signal ({'terminated' if code == -15 else 'killed'})"
    return f"exit code {code}: an exception (its traceback is on stderr above)"


def process_table(processes):
    """One line per process: its name, what it ran, and how it ended."""
    if not processes:
        return "run_conveyor started no process at all."
    lines = [f"the {len(processes)} processes run_conveyor started:"]
    for process in processes:
        target = getattr(process, "_kata_runs", "?")
        lines.append(f"  {process.name:<14} {target:<12} {how_it_ended(process)}")
    return "\n".join(lines)


def take(q, seconds=SOON):
    """q.get(timeout=seconds), or the string 'nothing' when nothing arrives in time.

    A batch comes back as a list, whatever sequence it was sent as (list, tuple, range).
    """
    try:
        got = q.get(timeout=seconds)
    except queue.Empty:
        return "nothing"
    return list(got) if isinstance(got, (list, tuple, range)) else got


def diagnose(processes, explain):
    """What the way the processes ended says, and the lesson that goes with it."""

    def ran(p, name):
        return getattr(p, "_kata_runs", "") == name

    handed = sorted({name for p in processes for name in getattr(p, "_kata_thread_queues", ())})
    if handed:
        return f"run_conveyor handed its processes a thread queue ({', '.join(handed)}). " + THREAD_QUEUE
    makers = [p for p in processes if ran(p, "produce")]
    takers = [p for p in processes if ran(p, "consume")]
    ended = [p for p in takers if p.exitcode == 0]
    if makers and not takers:
        return (
            "The producers were started but no consumer was: nobody read the items queue "
            "while the producers put, so they could not end. " + PIPE_DEADLOCK
        )
    if ended and len(ended) < len(takers):
        return (
            f"{len(ended)} of {len(takers)} consumers ended on their own and the others did "
            "not. (One that took its STOP is also stuck if nobody reads what it put on the "
            "results queue: a queue's pipe holds only about 64 KB.) " + SENTINELS
        )
    if takers and makers and not ended and all(p.exitcode == 0 for p in makers):
        return (
            "The producers ended, but no consumer ended on its own: no consumer got a STOP, "
            "or none could end because nobody read what they put on the results queue. "
            + PIPE_DEADLOCK
        )
    return explain


def run(count, producers, consumers, batch, timeout, started, explain):
    """run_conveyor(...) in a helper thread; a failure shows how each of its processes ended.

    producers, consumers or batch None: not passed, so run_conveyor uses its default.
    """
    given = {"producers": producers, "consumers": consumers, "batch": batch}
    kwargs = {name: value for name, value in given.items() if value is not None}
    producers, consumers, batch = (2 if producers is None else producers), (
        2 if consumers is None else consumers), (100 if batch is None else batch)
    try:
        return watch_run(count, timeout, kwargs, started, explain)
    except pytest.fail.Exception as stuck:
        lesson = diagnose(started, explain)
        report = f"{stuck}\n{process_table(started)}" + ("" if lesson == explain else f"\n{lesson}")
    except Exception as exc:
        if not isinstance(exc, TimeoutError):
            if diagnose(started, "") and any(getattr(p, "_kata_thread_queues", ()) for p in started):
                pytest.fail(
                    f"run_conveyor raised {type(exc).__name__}: {exc}\n{diagnose(started, '')}",
                    pytrace=False,
                )
            raise
        report = (
            f"run_conveyor({count}, producers={producers}, consumers={consumers}, "
            f"batch={batch}, timeout={timeout}) raised TimeoutError({exc}): a right answer "
            f"finishes this in well under a second.\n{process_table(started)}\n"
            + diagnose(started, explain)
        )
    pytest.fail(report, pytrace=False)  # out of the except: one report, not two


def ended(process):
    """Has this started process ended? Asks its sentinel, which does not reap it."""
    try:
        return bool(multiprocessing.connection.wait([process.sentinel], 0))
    except (ValueError, OSError):  # closed by process.close(): it had ended
        return True


def watch_run(count, timeout, kwargs, started, explain):
    """run_conveyor(count, timeout=timeout, **kwargs) in a helper thread, watched.

    It is stuck, and the test fails at once with where, when it has not returned after
    `timeout` + 3 s, or when what it waits for can no longer come (a right answer is done
    within moments of each of these):
    - it has started no process 2 s after the call;
    - producers have run for 2 s and no consumer was ever started (the consumers start
      with the producers, before any wait);
    - every producer ended 2 s ago: then the STOPs go out, the consumers end, and it returns;
    - every consumer ended 2 s ago and a producer still runs: nobody takes what it puts;
    - a consumer ended 2 s ago and a producer still runs (its STOP came too early);
    - a process was handed a thread queue (queue.Queue), which no other process can see.
    """
    began = time.monotonic()
    running = Call(conveyor.run_conveyor, count, timeout=timeout, name="calling run_conveyor", **kwargs)
    since = {}  # when each condition was first seen to hold

    def held(name, condition, seconds):
        if not condition:
            since.pop(name, None)
            return False
        return now - since.setdefault(name, now) > seconds

    while not running.done:
        now = time.monotonic()
        ready = [p for p in started if getattr(p, "_kata_started", None) is not None]
        makers = [p for p in ready if "produc" in p._kata_runs.lower()]
        takers = [p for p in ready if is_consumer(p)]
        stuck = (
            held("no process", not started, 2.0)
            or held("no consumer", makers and not any(is_consumer(p) for p in started), 2.0)
            or held("producers ended", makers and takers and all(ended(p) for p in makers), 2.0)
            or held(
                "consumers ended",
                makers and takers and all(ended(p) for p in takers) and not all(ended(p) for p in makers),
                2.0,
            )
            or held("all ended", ready and all(ended(p) for p in ready), 2.0)
            # a consumer only ends on a STOP, and STOPs come after every producer has ended
            or held(
                "a consumer ended first",
                any(ended(p) for p in takers) and not all(ended(p) for p in makers),
                2.0,
            )
            # a thread queue handed to a child can never carry an item to another process
            or any(getattr(p, "_kata_thread_queues", ()) for p in ready)
            or now - began > timeout + 3.0
        )
        if stuck:
            break
        running.thread.join(0.01)
    return running.finish(0.5, f"run_conveyor({count}, ..., timeout={timeout})", explain)


def what_went_wrong(received, count):
    """The numbers lost, doubled or never sent, in words; '' when every number came back once."""
    counts = Counter(received)
    lost = [i for i in range(count) if counts[i] == 0]
    doubled = sorted(i for i, n in counts.items() if n > 1 and isinstance(i, int))
    strange = [i for i in counts if not (isinstance(i, int) and 0 <= i < count)]
    parts = []
    if lost:
        parts.append(f"{len(lost)} never came back (e.g. {lost[:5]})")
    if doubled:
        parts.append(f"{len(doubled)} came back more than once (e.g. {doubled[:5]})")
    if strange:
        parts.append(f"{len(strange)} values came back that nobody sent (e.g. {strange[:5]})")
    return f"of {count} numbers, " + " and ".join(parts) if parts else ""


# --- produce ------------------------------------------------------------------------------


def test_produce_puts_its_numbers_in_batches_in_order(new_queue):
    items = new_queue()
    finishes_within(SOON, conveyor.produce, items, 5, 250)  # batch: the default, 100
    batches = [take(items) for _ in range(3)]
    assert "nothing" not in batches, (
        f"produce(items, first=5, count=250) should put 3 batches of its default size, 100 (100, 100 "
        f"and 50 numbers); within {SOON:g} s the test could take only "
        f"{batches.index('nothing')}: {batches}"
    )
    sizes = [len(b) for b in batches]
    numbers = [n for b in batches for n in b]
    assert sizes == [100, 100, 50] and numbers == list(range(5, 255)), (
        f"produce(items, first=5, count=250) (batch: the default, 100) put batches of sizes {sizes} holding "
        f"{numbers[:4]} ... {numbers[-3:]}; expected 5, 6, ... 254, in order, as batches of "
        "100, 100 and 50. One put per batch, not per number: each put costs a pickle, a lock "
        "and a write into a pipe, and batching pays that once for a hundred numbers."
    )
    # The exact limits: a count that batch divides makes no empty last batch; count 0, no put.
    finishes_within(SOON, conveyor.produce, items, 0, 200, 100)
    finishes_within(SOON, conveyor.produce, items, 7, 0, 100)
    exact = [take(items) for _ in range(2)]
    assert exact == [list(range(0, 100)), list(range(100, 200))], (
        f"produce(items, first=0, count=200, batch=100) should put [0..99] and [100..199]; "
        f"the test took {[b if b == 'nothing' else f'{len(b)} numbers' for b in exact]}"
    )
    extra = take(items, 0.05)
    assert extra == "nothing", (
        f"after its numbers, produce also put {extra!r} (with count=0 it should put "
        "nothing at all; with a count that batch divides, no empty last batch). A producer "
        "puts only its numbers: "
        "with several producers and consumers, a STOP from one producer would stop a "
        "consumer while the other producers are still at work. The parent, which knows "
        "when every producer has ended, sends the STOPs."
    )


def test_produce_waits_for_room_and_raises_queue_full_after_its_timeout(new_queue):
    items = new_queue(2)  # room for 2 batches, and nobody takes any
    began = time.monotonic()
    try:
        finishes_within(
            SOON, conveyor.produce, items, 0, 100, 10, 0.05,
            explain="produce(..., timeout=0.05) must not wait longer than 0.05 s for room in "
            "a full queue: pass the timeout to put(), which then raises queue.Full.",
        )  # fmt: skip
    except queue.Full:
        pass
    else:
        raise AssertionError(
            "produce(items, 0, 100, batch=10, timeout=0.05) into a queue with room for 2 "
            "batches, which nobody reads, returned without raising queue.Full: 8 batches "
            "were silently dropped. Let queue.Full propagate: the caller must learn that "
            "the numbers did not go through."
        )
    waited = time.monotonic() - began
    assert waited >= 0.04, (
        f"produce gave up after {waited:.3f} s; with timeout=0.05 it should wait up to 0.05 s "
        "for room (put(batch, timeout=0.05)), not fail at once as put(block=False) does"
    )
    kept = [take(items, 0.5) for _ in range(2)]
    assert kept == [list(range(0, 10)), list(range(10, 20))], (
        f"the full queue should hold the first 2 batches, [0..9] and [10..19]; it held {kept}"
    )
    items.put([0])
    items.put([1])  # full again

    # timeout=0: no waiting at all on the full queue (not "no timeout": that is None).
    began = time.monotonic()
    try:
        finishes_within(
            SOON, conveyor.produce, items, 20, 10, 10, 0,
            explain="produce(..., timeout=0) into a full queue must raise queue.Full at "
            "once: timeout=0 means do not wait, not wait for ever. Careful with "
            "`timeout or None`: 0 is falsy.",
        )  # fmt: skip
    except queue.Full:
        pass
    else:
        raise AssertionError(
            "produce(items, 20, 10, batch=10, timeout=0) into a full queue returned without "
            "raising queue.Full: its batch was silently dropped"
        )

    # timeout=None: wait as long as it takes for room. A reader frees it, batch by batch.
    items = new_queue(1)
    producer = threading.Thread(
        target=conveyor.produce, args=(items, 0, 30, 10, None), name="producer", daemon=True
    )
    producer.start()
    got = [take(items) for _ in range(3)]
    producer.join(SOON)
    assert got == [list(range(0, 10)), list(range(10, 20)), list(range(20, 30))], (
        f"produce(items, 0, 30, batch=10, timeout=None) into a queue with room for 1 batch, "
        f"read by the test batch by batch, should put all 3 batches, waiting for room each "
        f"time; the test took {got}. timeout=None means wait as long as it takes."
    )


# --- consume ------------------------------------------------------------------------------


def test_consume_passes_batches_on_until_one_stop(new_queue):
    items, results = new_queue(), new_queue()
    for batch in ([1, 2], [3], conveyor.STOP, [99]):
        items.put(batch)
    finishes_within(
        SOON, conveyor.consume, items, results,
        explain="consume was given [1, 2], [3], STOP, [99] and never returned: it must "
        "return after it takes a STOP. Everything that goes through a queue is pickled, so "
        "the STOP that arrives is a copy: the sentinel must be a value that stays itself, "
        "like None (the given STOP), never a fresh object().",
    )  # fmt: skip
    passed_on = []
    while len(passed_on) < 5:
        got = take(results, 1.0)
        if got == "nothing" or got is conveyor.STOP:
            break
        passed_on.append(got)
    assert passed_on == [[1, 2], [3]], (
        f"consume was given [1, 2], [3], STOP, [99] and put {passed_on} on results; it "
        "should pass on [1, 2] and [3], in order, and nothing after the STOP"
    )
    assert got is conveyor.STOP, (
        f"after the batches, consume should put a STOP on results; the test found {got!r}. "
        + SENTINELS
    )
    left = take(items, 1.0)
    assert left == [99], (
        f"the batch after the STOP, [99], should still be in the items queue; the test "
        f"found {left!r}. A consumer takes exactly one STOP and then stops taking: what "
        "follows belongs to the other consumers."
    )


def test_a_waiting_consumer_neither_spins_nor_gives_up(new_queue):
    items, results = WatchedQueue(), new_queue()
    try:
        def work():
            try:
                conveyor.consume(items, results)
            finally:
                items.first_ask.set()  # returned or raised: stop waiting for its first get

        consumer = threading.Thread(target=work, name="consumer", daemon=True)
        consumer.start()
        items.first_ask.wait(SOON)
        before = items.asked
        consumer.join(QUIET)  # watching, not synchronising: the queue stays empty meanwhile
        asked, gave_up = items.asked - before, not consumer.is_alive()
        items.put([7, 8])
        items.put(conveyor.STOP)  # also ends a consumer that spins
        assert not gave_up, (
            f"consume returned after its queue had been empty for {QUIET} s, before any "
            "STOP came; the [7, 8] sent afterwards was never taken. An empty queue only "
            "means nothing has arrived yet (a producer may still be starting up): "
            "queue.Empty from a get with a timeout is not the end of the work. Only STOP "
            "is. Wait with a plain blocking get()."
        )
        assert asked <= 10, (
            f"for {QUIET} s consume waited on an empty queue, and in that time it asked the "
            f"queue for an item (get, get_nowait, empty or qsize) {asked} times. That is "
            "busy-waiting: catching queue.Empty and asking again at once burns a whole CPU "
            "core for nothing. A blocking get() sleeps until an item arrives and uses no "
            "CPU meanwhile."
        )
        consumer.join(SOON)
        got = [take(results, 1.0), take(results, 1.0)]
        assert got == [[7, 8], conveyor.STOP], (
            f"after the quiet spell, the test put [7, 8] and STOP; consume put {got} on "
            "results, expected [7, 8] and then STOP"
        )
        assert not consumer.is_alive(), (
            "consume passed [7, 8] and the STOP on, and is still running: once it has "
            "taken its STOP and passed it on, it should return"
        )
    finally:
        items.cancel_join_thread()
        items.close()


# --- run_conveyor --------------------------------------------------------------------------


def test_run_conveyor_moves_10000_numbers_with_2_producers_and_2_consumers(started):
    count = 10_000
    received = run(count, None, None, None, patience(), started, SENTINELS)  # the defaults
    # Before anything here asks about them (which would reap them): each process must have
    # been joined, so that nothing of it is left, not even a zombie in the process table.
    not_reaped = [p.name for p in started if p.pid is not None and not gone(p.pid)]
    makers = [p for p in started if getattr(p, "_kata_runs", "") == "produce"]
    assert len(started) == 4 and len(makers) in (0, 2), (
        f"run_conveyor(10000), with its defaults (producers=2, consumers=2), started "
        f"{len(started)} processes ({len(makers)} running produce); expected 4: 2 running "
        "produce and 2 running consume, each in a process of its own. "
        f"{process_table(started)}"
    )
    wrong = what_went_wrong(received, count)
    assert not wrong, (
        f"{wrong}. Each producer sends its own share of range(count); "
        "the parent reads the results until every consumer has passed on its STOP, and "
        "never ends a consumer before it has taken its STOP (terminate() kills it with "
        "batches still in the pipe or in its hands).\n"
        f"{process_table(started)}"
    )
    assert type(received) is list and all(type(n) is int for n in received), (
        f"run_conveyor should return a list of ints, every number received, in the order "
        f"received; it returned a {type(received).__name__}"
    )
    unfinished = [p for p in started if p.exitcode != 0]
    assert not not_reaped, (
        f"run_conveyor returned with {not_reaped} not joined: still running, or ended and "
        "left in the process table (a zombie) because nobody waited for it. Join every "
        f"consumer (after reading all results) before you return.\n{process_table(started)}"
    )
    assert not unfinished, (
        "every number came back, but not every process ended on its own with exit code 0 "
        "before run_conveyor returned: a consumer ends when it takes its STOP, and the "
        f"parent joins each one.\n{process_table(started)}"
    )

    # No numbers at all: the producers put nothing, the consumers still get their STOPs.
    del started[:]
    nothing = run(0, 2, 2, 100, patience(), started, SENTINELS)
    assert type(nothing) is list and nothing == [], (
        f"run_conveyor(0) should return [], every one of no numbers; it returned {nothing!r}"
    )
    assert len(started) == 4 and all(p.exitcode == 0 for p in started), (
        "run_conveyor(0, producers=2, consumers=2) should still run its 2 producers and 2 "
        f"consumers, and each should end on its own.\n{process_table(started)}"
    )


def test_more_than_a_pipe_holds_goes_through_without_deadlock(started):
    count = 60_001  # about 200 KB of batches through each queue; a pipe holds about 64 KB
    # A right answer moves them in a fraction of a second once its 5 processes run: the
    # timeout covers their boot as it takes now, so a deadlocked one fails in seconds.
    timeout = patience() if multiprocessing.get_start_method() == "fork" else round(SOON + 5 * boot_seconds(), 2)
    received = run(count, 3, 2, 1000, timeout, started, PIPE_DEADLOCK)
    wrong = what_went_wrong(received, count)
    assert not wrong, (
        f"with 3 producers and 2 consumers, {wrong}. Split "
        "range(count) into 3 shares that cover it exactly (the last share takes what "
        "count // 3 leaves over), and put one STOP per consumer, after every producer has "
        f"ended, no more.\n{process_table(started)}"
    )


def test_run_conveyor_gives_up_in_time_and_leaves_nothing_running(started):
    # A million numbers one by one: more than 3 producers and 2 consumers can move in
    # seconds, so only run_conveyor's deadline can end the run, and it must come once, for
    # all its waits: the producers never finish, and neither do the consumers.
    for timeout in (0.6, 0):
        del started[:]
        gives_up_in_time(1_000_000, 1, timeout, started, "cannot finish in time")


def test_run_conveyor_gives_up_when_no_consumer_takes_anything(consumers_killed):
    # Both consumers die as they start. 300 numbers in 3 batches fit in the items queue:
    # the producers end, and no STOP ever comes back. 602 numbers make 8 batches: the
    # producers can end, and a bounded items queue may have no room left for the STOPs.
    # A million one by one do not fit: the items queue fills up, and nobody makes room.
    for count, batch in ((300, 100), (602, 100), (1_000_000, 1)):
        del consumers_killed[:]
        gives_up_in_time(count, batch, 0.6, consumers_killed, "has no consumer left")
    assert any(is_consumer(p) for p in consumers_killed), (
        "none of the processes run_conveyor started runs consume (as its target, or as a "
        f"Process subclass named after it).\n{process_table(consumers_killed)}"
    )


@contextlib.contextmanager
def trickling(every):
    """Results that trickle in: each get this process makes on a multiprocessing queue
    (run_conveyor reading its results) takes `every` seconds more, as over a slow link.
    multiprocessing's own Queue.get is slowed, never your module; the child processes are
    not slowed, nor threads older than this (a call left running by an earlier test).
    Yields the list of the times of those gets."""
    me, older = os.getpid(), set(threading.enumerate())
    original_get = multiprocessing.queues.Queue.get
    gets = []

    def get(self, block=True, timeout=None):
        if os.getpid() == me and threading.current_thread() not in older:
            gets.append(time.monotonic())
            time.sleep(every)  # the slow link itself: this waits for nothing
        return original_get(self, block, timeout)

    multiprocessing.queues.Queue.get = get
    try:
        yield gets
    finally:
        multiprocessing.queues.Queue.get = original_get


def test_run_conveyor_keeps_one_deadline_while_results_trickle_in(started):
    # 10_000 numbers in 100 batches: the producers are done at once, and then each result
    # takes timeout / 10 to reach the parent, so reading all of them would take 10 times
    # the timeout. One deadline for the whole call ends it at the timeout; a get given the
    # whole timeout again never times out, as results keep coming.
    count, producers, consumers, batch = 10_000, 3, 2, 100
    timeout = 0.6
    # A forked child starts at once. A spawned one boots an interpreter first, which on a
    # loaded machine can take longer than the timeout: the timeout gets 3 times what a
    # child's boot takes now, so that a right answer has its results coming in before its
    # deadline. (A call that timed out before reading anything says nothing about its gets.)
    boots = multiprocessing.get_start_method() != "fork"
    if boots:
        timeout = round(timeout + 3 * boot_seconds(), 2)
    for attempt in range(2 if boots else 1):
        every = timeout / 10
        del started[:]
        with trickling(every) as gets:
            began = time.monotonic()
            running = Call(
                conveyor.run_conveyor, count, producers, consumers, batch, timeout,
                name="calling run_conveyor",
            )  # fmt: skip
            running.thread.join(timeout + every + SOON)
            took = time.monotonic() - began
            read = len(gets)
        # Timed out before reading anything, every process stopped while still at work
        # (none had ended on its own): they were still booting. Once more, longer.
        booting = not read and isinstance(running.error, TimeoutError)
        if not (booting and attempt == 0 and all(p.exitcode != 0 for p in started)):
            break
        timeout = round(timeout * 3, 2)
    if running.thread.is_alive():
        guard.excuse(running.thread)
        late = sum(1 for t in gets if t > began + timeout)
        pytest.fail(
            f"run_conveyor({count:_}, producers={producers}, consumers={consumers}, "
            f"batch={batch}, timeout={timeout}) was still running {took:.1f} s after it was "
            f"called, with results coming in one every {every:.2f} s: it had read "
            f"{len(gets)} of them, {late} after its deadline. Each get that waits the "
            "whole timeout again (results.get(timeout=timeout)) restarts the clock with "
            "every result that arrives, so while results keep coming no get ever times "
            "out, and the call runs for as long as they do. One deadline for the whole "
            "call: deadline = time.monotonic() + timeout at the start; before every get, "
            "left = deadline - time.monotonic(), raise TimeoutError when it is <= 0, and "
            f"get(timeout=left).\n{process_table(started)}",
            pytrace=False,
        )
    outcome = running.finish(0, "run_conveyor") if not isinstance(running.error, TimeoutError) else None
    assert outcome is None, (
        f"run_conveyor({count:_}, ..., timeout={timeout}), with results coming in one every "
        f"{every:.2f} s, returned {outcome!r:.60} after {took:.2f} s instead of "
        "raising TimeoutError at its deadline"
        + ("" if read else " (the test slows multiprocessing.Queue.get in this process: read the results with it)")
    )
    assert read or boots, (
        f"run_conveyor({count:_}, producers={producers}, consumers={consumers}, "
        f"batch={batch}, timeout={timeout}) raised TimeoutError without reading a single "
        "result: forked producers and consumers move these 100 batches in milliseconds, "
        "so its producers never ended, or it never read the results queue.\n"
        f"{process_table(started)}"
    )
    left = [p.name for p in started if p.is_alive()]
    assert not left, (
        f"run_conveyor raised TimeoutError but left {left} running: before giving up, "
        f"terminate() and join() every process still running.\n{process_table(started)}"
    )


def gives_up_in_time(count, batch, timeout, started, situation):
    producers, consumers = 3, 2
    began = time.monotonic()
    lesson = (
        f"run_conveyor({count:_}, producers={producers}, consumers={consumers}, "
        f"batch={batch}, timeout={timeout}) {situation}. When a get(timeout=...) on the "
        "results raises queue.Empty, a put(timeout=...) of a STOP raises queue.Full, or a "
        "join(timeout) returns with the process still alive, time is up: terminate() and "
        "join() every process still running and raise "
        "TimeoutError. Catching queue.Empty to ask again forever is a loop that never ends. "
        "And check the deadline before every get, not only when one times out: while "
        "results keep coming, no get ever does."
        + (
            " timeout=0 means give up at once, not wait for ever: careful with "
            "`timeout or None`, 0 is falsy."
            if timeout == 0
            else ""
        )
    )
    # Watched from outside: once every process has started, a right answer raises within
    # its timeout and a moment to stop them; a wrong one is stuck, and fails at once.
    running = Call(
        conveyor.run_conveyor, count, producers, consumers, batch, timeout, name="calling run_conveyor"
    )
    while not running.done:
        starts = [getattr(p, "_kata_started", None) for p in started]
        now = time.monotonic()
        if len(starts) >= producers + consumers and None not in starts and now - max(starts) > timeout + 2.0:
            break
        if now - began > timeout + patience():
            break
        running.thread.join(0.01)
    try:
        outcome = running.finish(0.5, f"run_conveyor(..., timeout={timeout})", lesson)
    except TimeoutError:
        outcome = None
    except (queue.Empty, queue.Full, pytest.fail.Exception) as exc:
        outcome = exc
    ended = time.monotonic()
    if isinstance(outcome, (queue.Empty, queue.Full)):  # reported out of the except: one report
        pytest.fail(
            f"run_conveyor({count:_}, ..., timeout={timeout}), which {situation}, let "
            f"queue.{type(outcome).__name__} out. To its caller that means nothing: say what "
            "did not finish, as a TimeoutError, after stopping every process.\n"
            + process_table(started),
            pytrace=False,
        )
    if isinstance(outcome, pytest.fail.Exception):
        pytest.fail(f"{outcome}\n{process_table(started)}", pytrace=False)
    took = ended - began
    assert outcome is None, (
        f"run_conveyor returned {len(outcome)} numbers of {count:_} after {took:.2f} s "
        "instead of raising TimeoutError: a partial answer that looks like a whole one. "
        + lesson
    )
    left = [p for p in started if p.is_alive()]
    assert not left, (
        f"run_conveyor raised TimeoutError but left {len(left)} processes running: "
        f"{[p.name for p in left]}. Before giving up, terminate() and join() every "
        f"process still running.\n{process_table(started)}"
    )
    assert len(started) == producers + consumers, (
        f"run_conveyor(..., producers={producers}, consumers={consumers}) started "
        f"{len(started)} processes, not {producers + consumers}.\n{process_table(started)}"
    )
    # Timed from the last start(): a slow start (spawn on a loaded machine) does not count.
    after_starts = ended - max(p._kata_started for p in started)
    if timeout:
        assert took >= 0.9 * timeout, (
            f"run_conveyor(..., timeout={timeout}) gave up after {took:.2f} s: a timeout is "
            "how long to wait before giving up, so wait it out (join(left), "
            "get(timeout=left)); do not give up at the first process still running"
        )
    # The deadline, and a moment (AT_ONCE) to terminate and join five processes: booted
    # ones on a loaded machine took 0.64 s. A join(timeout) per process takes 3 s here.
    assert after_starts < timeout + timing.AT_ONCE, (
        f"run_conveyor({count:_}, ..., timeout={timeout}), which {situation}, raised "
        f"TimeoutError {after_starts:.2f} s after it had "
        f"started the last one: one deadline for all its waits ends at {timeout} s (and a "
        "moment to stop them). Take one deadline at the start (deadline = "
        "time.monotonic() + timeout) and give every join and every get only what is left "
        "of it: max(0, deadline - time.monotonic()). join(timeout) for each process in "
        "turn waits timeout for each one that is still running."
    )
