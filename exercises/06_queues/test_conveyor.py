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

from kata import Call, finishes_within, guard, implementation, processes, timing

conveyor = implementation("conveyor")

# Every wait and bound comes from kata.timing (SOON, AT_ONCE, child_ready(), ...). Inputs:
QUIET = timing.WATCH  # window: a consumer watched while its queue stays empty (a right one, blocked in get(), ends it at once)
# The timeout given to run_conveyor where it must give up. A forked child starts in
# milliseconds, so a tenth of a second proves the promise (a join(timeout) per process
# takes three times that); a booted one (spawn, forkserver) needs longer to start.
GIVE_UP = 0.6 if timing.boots_children() else 0.1


def boot_seconds():
    """How long one child takes to start and end right now (spawn and forkserver boot an
    interpreter: 0.1 s on an idle machine, a second or more on a loaded one)."""
    booting = time.monotonic()
    child = multiprocessing.Process(target=os.getpid, name="kata: how long a boot takes")
    child.start()
    child.join(timing.child_ready())
    if child.is_alive():
        child.kill()
        child.join()
    return time.monotonic() - booting


def conveyor_time():
    """The timeout a run_conveyor that should finish gets: its five children started (one
    boot each, measured now, under spawn and forkserver), and SOON for the work."""
    if not timing.boots_children():
        return timing.CHILD_READY_FORK
    return round(timing.SOON + 5 * boot_seconds(), 2)


# The tests wait with their own bounds, and say what went wrong; the test's time limit is
# only the last line of defence, so it must come later.
pytestmark = pytest.mark.timeout(2 * timing.child_ready() + 4)

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
    """A multiprocessing.Queue that counts how often it is asked for an item or its size,
    and tells when a thread waits in a get() with no timeout (`blocked`: a set of threads),
    which only an item can end."""

    def __init__(self):
        super().__init__(ctx=multiprocessing.get_context())
        self.asked = 0
        self.first_ask = threading.Event()
        self.blocked = set()
        self.changed = threading.Condition()

    def _note(self):
        self.asked += 1
        self.first_ask.set()

    def get(self, block=True, timeout=None):
        self._note()
        if not (block and timeout is None):
            return super().get(block, timeout)  # get_nowait() comes here too
        me = threading.current_thread()
        with self.changed:
            self.blocked.add(me)
            self.changed.notify_all()
        try:
            return super().get(block, timeout)
        finally:
            with self.changed:
                self.blocked.discard(me)

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
    starter = {}  # process -> the thread that started it (a Thread cannot go on the Process: it is pickled)
    original_start = multiprocessing.process.BaseProcess.start
    original_init = multiprocessing.queues.Queue.__init__
    original_thread_init = threading.Thread.__init__
    original_cleanup = multiprocessing.process._cleanup

    def cleanup():
        # Process.start() and active_children() reap every child of this process that has
        # ended. With several run_conveyor calls at once, one per thread (gives_up_in_time),
        # one call's start() would reap another's producer while that call's join() waits
        # for it: the join then finds no child to wait for (ECHILD; under forkserver, the
        # exit code already read from the sentinel) and returns with the producer "still
        # running", and a right answer gives up early. Each thread reaps its own children;
        # the others are joined by the calls that started them, or at the end of the test.
        me = threading.current_thread()
        for process in list(multiprocessing.process._children):
            if starter.get(process, me) is me and process._popen and process._popen.poll() is not None:
                multiprocessing.process._children.discard(process)

    def thread_init(self, *args, **kwargs):
        original_thread_init(self, *args, **kwargs)
        self._kata_parent = threading.current_thread()  # who made it (see started_by)

    def start(self):
        processes.append(self)
        starter[self] = threading.current_thread()
        # start() forgets the target and its arguments once the child has them: note now.
        self._kata_runs = getattr(getattr(self, "_target", None), "__name__", type(self).__name__)
        self._kata_thread_queues = thread_queues_in(self)
        original_start(self)
        # After the start: under spawn and forkserver the child gets a pickle of self.
        self._kata_starter = threading.current_thread()
        if kill_consumers and is_consumer(self):
            self.kill()  # SIGKILL (Windows: TerminateProcess): a consumer that dies (say, the OOM killer) as it starts
            self._kata_killed = True
        self._kata_started = time.monotonic()

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        queues.append(self)

    multiprocessing.process.BaseProcess.start = start
    multiprocessing.process._cleanup = cleanup
    multiprocessing.queues.Queue.__init__ = init
    threading.Thread.__init__ = thread_init
    try:
        yield processes
    finally:
        multiprocessing.process.BaseProcess.start = original_start
        multiprocessing.process._cleanup = original_cleanup
        multiprocessing.queues.Queue.__init__ = original_init
        threading.Thread.__init__ = original_thread_init
        for q in queues:
            # At exit, Python waits until each queue's feeder thread has written all it
            # holds into the pipe; with nobody left to read, that wait would never end.
            q.cancel_join_thread()
        for process in processes:
            if process._popen is not None and process.is_alive():
                process.terminate()
        for process in processes:
            if process._popen is not None:
                process.join(timing.CROWD)


def started_by(processes, thread):
    """Those of `processes` started by `thread`, or by a thread it made (at any depth)."""

    def within(starter):
        while starter is not None:
            if starter is thread:
                return True
            starter = getattr(starter, "_kata_parent", None)
        return False

    return [p for p in processes if within(getattr(p, "_kata_starter", None))]


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
    """True once no process, not even a zombie waiting to be reaped, has this pid.
    (psutil: os.kill(pid, 0) would end the process on Windows.)"""
    return not processes.exists(pid)


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


def take(q, seconds=timing.SOON):
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
    `timeout` + SOON + AT_ONCE, or when what it waits for can no longer come (a right
    answer is done within moments of each of these; "a while" is timing.SOON):
    - it has started no process a while after the call;
    - producers have run for a while and no consumer was ever started (the consumers
      start with the producers, before any wait);
    - every producer ended a while ago: then the STOPs go out, the consumers end, and it returns;
    - every consumer ended a while ago and a producer still runs: nobody takes what it puts;
    - a consumer ended a while ago and a producer still runs (its STOP came too early);
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
            held("no process", not started, timing.SOON)
            or held("no consumer", makers and not any(is_consumer(p) for p in started), timing.SOON)
            or held("producers ended", makers and takers and all(ended(p) for p in makers), timing.SOON)
            or held(
                "consumers ended",
                makers and takers and all(ended(p) for p in takers) and not all(ended(p) for p in makers),
                timing.SOON,
            )
            or held("all ended", ready and all(ended(p) for p in ready), timing.SOON)
            # a consumer only ends on a STOP, and STOPs come after every producer has ended
            or held(
                "a consumer ended first",
                any(ended(p) for p in takers) and not all(ended(p) for p in makers),
                timing.SOON,
            )
            # a thread queue handed to a child can never carry an item to another process
            or any(getattr(p, "_kata_thread_queues", ()) for p in ready)
            or now - began > timeout + timing.SOON + timing.AT_ONCE
        )
        if stuck:
            break
        running.thread.join(0.01)
    return running.finish(timing.AT_ONCE, f"run_conveyor({count}, ..., timeout={timeout})", explain)


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
    finishes_within(timing.SOON, conveyor.produce, items, 5, 250)  # batch: the default, 100
    batches = [take(items) for _ in range(3)]
    assert "nothing" not in batches, (
        f"produce(items, first=5, count=250) should put 3 batches of its default size, 100 (100, 100 "
        f"and 50 numbers); within {timing.SOON:g} s the test could take only "
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
    finishes_within(timing.SOON, conveyor.produce, items, 0, 200, 100)
    finishes_within(timing.SOON, conveyor.produce, items, 7, 0, 100)
    # The test's own mark goes in last: what comes out before it, produce put there (one
    # queue, one feeder thread in this process: the items leave in the order they were put).
    items.put("the test's end mark")
    exact = [take(items) for _ in range(2)]
    assert exact == [list(range(0, 100)), list(range(100, 200))], (
        f"produce(items, first=0, count=200, batch=100) should put [0..99] and [100..199]; "
        f"the test took {[b if b == 'nothing' else f'{len(b)} numbers' for b in exact]}"
    )
    extra = take(items)
    assert extra == "the test's end mark", (
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
            timing.SOON, conveyor.produce, items, 0, 100, 10, 0.05,
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
    kept = [take(items, timing.AT_ONCE) for _ in range(2)]
    assert kept == [list(range(0, 10)), list(range(10, 20))], (
        f"the full queue should hold the first 2 batches, [0..9] and [10..19]; it held {kept}"
    )
    items.put([0])
    items.put([1])  # full again

    # timeout=0: no waiting at all on the full queue (not "no timeout": that is None).
    began = time.monotonic()
    try:
        finishes_within(
            timing.SOON, conveyor.produce, items, 20, 10, 10, 0,
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
    producer.join(timing.SOON)
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
        timing.SOON, conveyor.consume, items, results,
        explain="consume was given [1, 2], [3], STOP, [99] and never returned: it must "
        "return after it takes a STOP. Everything that goes through a queue is pickled, so "
        "the STOP that arrives is a copy: the sentinel must be a value that stays itself, "
        "like None (the given STOP), never a fresh object().",
    )  # fmt: skip
    passed_on = []
    while len(passed_on) < 5:
        got = take(results, timing.AT_ONCE)
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
    left = take(items, timing.AT_ONCE)
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
        items.first_ask.wait(timing.SOON)
        before = items.asked
        # Watching, not synchronising: the queue stays empty meanwhile. A consumer waiting in
        # a get() with no timeout can neither give up nor spin: the watch ends there.
        with items.changed:
            items.changed.wait_for(lambda: consumer in items.blocked or not consumer.is_alive(), QUIET)
        asked, gave_up = items.asked - before, not consumer.is_alive()
        items.put([7, 8])
        items.put(conveyor.STOP)  # also ends a consumer that spins
        assert not gave_up, (
            f"consume returned after its queue had been empty for under {QUIET} s, before any "
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
        consumer.join(timing.SOON)
        got = [take(results, timing.AT_ONCE), take(results, timing.AT_ONCE)]
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
    timeout = conveyor_time()
    del started[:]  # the child that conveyor_time() may have timed is not run_conveyor's
    received = run(count, None, None, None, timeout, started, SENTINELS)  # the defaults
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
    nothing = run(0, 2, 2, 100, timeout, started, SENTINELS)
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
    timeout = conveyor_time()
    received = run(count, 3, 2, 1000, timeout, started, PIPE_DEADLOCK)
    wrong = what_went_wrong(received, count)
    assert not wrong, (
        f"with 3 producers and 2 consumers, {wrong}. Split "
        "range(count) into 3 shares that cover it exactly (the last share takes what "
        "count // 3 leaves over), and put one STOP per consumer, after every producer has "
        f"ended, no more.\n{process_table(started)}"
    )


PRODUCERS, CONSUMERS = 3, 2  # in the tests where run_conveyor must give up


def test_run_conveyor_gives_up_in_time_and_leaves_nothing_running(started):
    # A million numbers one by one: more than 3 producers and 2 consumers can move in
    # seconds, so only run_conveyor's deadline can end the run, and it must come once, for
    # all its waits: the producers never finish, and neither do the consumers.
    # The two timeouts are tried at the same time, each with processes of its own.
    gives_up_in_time([(1_000_000, 1, GIVE_UP), (1_000_000, 1, 0)], started, "cannot finish in time")


def test_run_conveyor_gives_up_when_no_consumer_takes_anything(consumers_killed):
    # Every consumer dies as it starts. 300 numbers in 3 batches fit in the items queue:
    # the producers end, and no STOP ever comes back. 602 numbers make 8 batches: the
    # producers can end, and a bounded items queue may have no room left for the STOPs.
    # A million one by one do not fit: the items queue fills up, and nobody makes room.
    # The three are tried at the same time, each with processes of its own.
    scenarios = [(count, batch, GIVE_UP) for count, batch in ((300, 100), (602, 100), (1_000_000, 1))]
    gives_up_in_time(scenarios, consumers_killed, "has no consumer left")
    assert any(is_consumer(p) for p in consumers_killed), (
        "none of the processes run_conveyor started runs consume (as its target, or as a "
        f"Process subclass named after it).\n{process_table(consumers_killed)}"
    )


RESTARTS = (
    "Each get that waits the whole timeout again (results.get(timeout=timeout)) restarts "
    "the clock with every result that arrives, so while results keep coming no get ever "
    "times out, and the call runs for as long as they do. One deadline for the whole call: "
    "deadline = time.monotonic() + timeout at the start; before every get, left = deadline "
    "- time.monotonic(), raise TimeoutError when it is <= 0, and get(timeout=left)."
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
    timeout = GIVE_UP
    # A forked child starts at once. A spawned one boots an interpreter first, which on a
    # loaded machine can take longer than the timeout: the timeout gets 3 times what a
    # child's boot takes now, so that a right answer has its results coming in before its
    # deadline. (A call that timed out before reading anything says nothing about its gets.)
    boots = timing.boots_children()
    if boots:
        timeout = round(timeout + 3 * boot_seconds(), 2)
    # Under fork: 0.1 s, then 0.3 s, then 0.9 s. Booted children get as many tries: on a
    # loaded machine two tries can both end before any child has booted, and a call that
    # read nothing says nothing about its gets (a wrong answer would pass).
    attempts = 3
    for attempt in range(attempts):
        every = timeout / 10
        del started[:]
        with trickling(every) as gets:
            began = time.monotonic()
            running = Call(
                conveyor.run_conveyor, count, producers, consumers, batch, timeout,
                name="calling run_conveyor",
            )  # fmt: skip
            running.thread.join(timeout + every + timing.SOON)
            took = time.monotonic() - began
            read = len(gets)
        # Timed out before reading anything, every process stopped while still at work
        # (none had ended on its own): they were still starting (booting, or forked on a
        # busy machine). Once more, 3 times longer.
        booting = not read and isinstance(running.error, TimeoutError)
        # (Forked ones start in milliseconds, unless the machine is busy: tried once more
        # whenever nothing was read, which costs a wrong answer a few tenths of a second.)
        at_work = all(p.exitcode != 0 for p in started) or not boots
        if not (booting and attempt < attempts - 1 and at_work):
            break
        timeout = round(timeout * 3, 2)
    if running.thread.is_alive():
        guard.excuse(running.thread)
        late = sum(1 for t in gets if t > began + timeout)
        pytest.fail(
            f"run_conveyor({count:_}, producers={producers}, consumers={consumers}, "
            f"batch={batch}, timeout={timeout}) was still running {took:.1f} s after it was "
            f"called, with results coming in one every {every:.2f} s: it had read "
            f"{len(gets)} of them, {late} after its deadline. {RESTARTS}\n{process_table(started)}",
            pytrace=False,
        )
    timed_out = isinstance(running.error, TimeoutError)
    outcome = None if timed_out else running.finish(0, "run_conveyor")
    late = sum(1 for t in gets if t > began + timeout)
    assert timed_out, (
        f"run_conveyor({count:_}, ..., timeout={timeout}), with results coming in one every "
        f"{every:.2f} s, returned {outcome!r:.60} after {took:.2f} s instead of "
        "raising TimeoutError at its deadline"
        + (f": it read {late} results after its deadline. {RESTARTS}" if late else "")
        + ("" if read else " (the test slows multiprocessing.Queue.get in this process: read the results with it)")
    )
    assert len(started) == producers + consumers, (
        f"run_conveyor(..., producers={producers}, consumers={consumers}) started "
        f"{len(started)} processes, not {producers + consumers}.\n{process_table(started)}"
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


def gives_up_in_time(scenarios, started, situation):
    """run_conveyor(count, 3, 2, batch, timeout) for each (count, batch, timeout) of
    `scenarios`, all at the same time, each in a thread of its own; each must give up in
    time with TimeoutError and nothing left running. Judged one after the other."""
    calls = []
    for count, batch, timeout in scenarios:
        began = time.monotonic()  # before the call: its deadline comes no sooner than began + timeout
        running = Call(
            conveyor.run_conveyor, count, PRODUCERS, CONSUMERS, batch, timeout, name="calling run_conveyor"
        )
        calls.append((count, batch, timeout, running, began))
        # The next call starts once this one has started its processes. Under fork, a child
        # gets a copy of every descriptor open at that moment: forked while another call
        # is between making a child's sentinel pipe and closing its end of it, it would
        # hold that pipe open, and the other call's join() would wait for it to end.
        last, seen = time.monotonic(), 0
        while not running.done and time.monotonic() - last < timing.AT_ONCE:
            ready = sum(1 for p in started_by(started, running.thread) if hasattr(p, "_kata_started"))
            if ready >= PRODUCERS + CONSUMERS:
                break
            if ready > seen:
                last, seen = time.monotonic(), ready
            running.thread.join(0.002)
    seen_done = {}  # call -> when the test first saw it done
    # Watched from outside: once every process has started, a right answer raises within
    # its timeout and a moment to stop them; a wrong one is stuck, and fails at once.
    # Each ending is bracketed by two clock readings: the last look that found the process
    # still running (read before that look: _kata_alive_at, never after its end) and the
    # first that found it ended (read after it: _kata_ended, never before its end). A look
    # at the process table (watch.hopeless()) for one call can take tens of milliseconds on
    # a loaded machine before the next is looked at: the judge takes, for "gave up too
    # soon", the reading that cannot be too early, and for "gave up too late", the one
    # that cannot be too late.
    watch = timing.ChildWatch()
    while True:
        now = time.monotonic()
        waiting = False
        for _, _, timeout, running, began in calls:
            mine = started_by(started, running.thread)
            for process in mine:  # when each started one ended (looked at every 10 ms)
                if hasattr(process, "_kata_started") and not hasattr(process, "_kata_ended"):
                    before = time.monotonic()
                    if ended(process):
                        process._kata_ended = time.monotonic()
                    else:
                        process._kata_alive_at = before
            if running.done:
                seen_done.setdefault(running, time.monotonic())
                continue
            starts = [getattr(p, "_kata_started", None) for p in mine]
            all_started = len(starts) >= PRODUCERS + CONSUMERS and None not in starts
            if all_started and now - max(starts) > timeout + timing.SOON:
                continue  # stuck
            if now - began > timeout and watch.hopeless():
                continue  # stuck, with no process left that could end it
            waiting = True
        if not waiting:
            break
        calls[0][3].thread.join(0.01)
    try:
        for count, batch, timeout, running, began in calls:
            judge_giving_up(
                count, batch, timeout, running, began, seen_done.get(running, time.monotonic()),
                started_by(started, running.thread), situation,
            )  # fmt: skip
    finally:
        for *_, running, _ in calls:
            if running.thread.is_alive():
                guard.excuse(running.thread)  # reported above, or after another's failure


def judge_giving_up(count, batch, timeout, running, began, raised, started, situation):
    """One scenario of gives_up_in_time: `raised`, when the call was seen done (10 ms at most late)."""
    producers, consumers = PRODUCERS, CONSUMERS
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
    try:
        outcome = running.finish(0, f"run_conveyor(..., timeout={timeout})", lesson)
    except TimeoutError:
        outcome = None
    except (queue.Empty, queue.Full, pytest.fail.Exception) as exc:
        outcome = exc
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
    took = raised - began
    assert outcome is None, (
        f"run_conveyor returned {len(outcome)} numbers of {count:_} "
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
    last_start = max(p._kata_started for p in started)
    # When it gave up: the first of its processes that it stopped (killed by a signal: not
    # one that ended on its own, nor one the test killed) ended then: after the last look
    # that saw it running, and before the first that saw it ended (gives_up_in_time).
    stopped = [
        p for p in started
        if (p.exitcode or 0) < 0 and not getattr(p, "_kata_killed", False) and hasattr(p, "_kata_ended")
    ]
    gave_up = min(p._kata_ended for p in stopped) if stopped else raised  # no earlier than this
    still_running = min(getattr(p, "_kata_alive_at", p._kata_started) for p in stopped) if stopped else raised  # no later
    if timeout:
        assert gave_up - began >= 0.9 * timeout, (
            f"run_conveyor(..., timeout={timeout}) gave up after {gave_up - began:.2f} s: a "
            "timeout is how long to wait before giving up, so wait it out (join(left), "
            "get(timeout=left)); do not give up at the first process still running"
        )
    # One deadline: it gives up at it, and a forked child is stopped within moments; the
    # timeout once more is the slack (a booted one on a loaded machine: AT_ONCE). A
    # join(timeout) per process gives up only after three timeouts, one per producer.
    slack = timing.AT_ONCE if timing.boots_children() or not timeout else timeout
    one_deadline = (
        f"run_conveyor({count:_}, ..., timeout={timeout}), which {situation}, gave up "
        "{:.2f} s after it had started the last of its processes: one deadline for all its "
        f"waits ends at {timeout} s (and a moment to stop them). Take one deadline at the "
        "start (deadline = time.monotonic() + timeout) and give every join and every get "
        "only what is left of it: max(0, deadline - time.monotonic()). join(timeout) for "
        "each process in turn waits timeout for each one that is still running."
    )
    # (None stopped: every process had ended by itself; then the raise below is the measure.)
    assert not stopped or still_running - last_start < timeout + slack, one_deadline.format(still_running - last_start)
    # ... and AT_ONCE to terminate and join five processes (booted ones on a loaded
    # machine took 0.64 s).
    assert raised - last_start < timeout + timing.AT_ONCE, (
        one_deadline.format(raised - last_start) + f" (It raised TimeoutError {took:.2f} s after the call.)"
    )
