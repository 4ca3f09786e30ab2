"""Tests for 05_semaphores. Run them with:  pytest exercises/05_semaphores

The car-park tests keep cars parked on events the test controls, and an Attendant
counts from inside the errands how many cars are parked, so "how many at once" is
counted, not guessed. The timer tests cancel a call long before it is due and then
join the timer's thread: once that thread has ended, "it never ran" is a fact.
"""

import threading
import time

from kata import Call, finishes_within, implementation, run_together, timing

parking = implementation("parking")

SPACES = 3
CARS = 12  # for the busy day: many more cars than spaces
# Every bound is timing.AT_ONCE (what a right answer does at once) or built from it; the
# parked cars wait for the test's word up to timing.HOLD_LIMIT. Test inputs, not bounds:
DELAY = 0.05  # a delayed call that is meant to run
# A delayed call that is cancelled long before it is due: due well after the test has
# waited (AT_ONCE) for its timer's thread to end, so a timer that sleeps it out is seen.
FAR_OFF = 2 * timing.AT_ONCE

TOO_FEW = (
    "A threading.Lock (or RLock) lets one thread in at a time; a semaphore created with "
    "the number of spaces lets that many in. Check the number you create it with."
)
RETURN_AT_ONCE = (
    "call_later() should return at once and leave the waiting to the timer's own thread: "
    "start() the Timer. Timer.run(), like Thread.run(), waits and calls right there, in "
    "the caller's thread."
)
KEEPS_THE_SPACE = (
    "A car's visit ended but its space never came free: visit() must leave() however the "
    "errand ends. 'with semaphore:' releases when the block ends, even by an exception; "
    "an acquire() by hand needs its release() in a finally clause."
)


class Attendant:
    """Counts, from inside the errands, the cars parked now and the most ever at once."""

    def __init__(self):
        self._changed = threading.Condition()
        self.inside = 0
        self.most_at_once = 0
        self.served = 0
        self.timeline = []  # how many were parked after each arrival or departure

    def arrive(self):
        with self._changed:
            self.inside += 1
            self.most_at_once = max(self.most_at_once, self.inside)
            self.timeline.append(self.inside)
            self._changed.notify_all()

    def depart(self):
        with self._changed:
            self.inside -= 1
            self.served += 1
            self.timeline.append(self.inside)
            self._changed.notify_all()

    def wait_until_parked(self, count, timeout=timing.AT_ONCE):
        with self._changed:
            return self._changed.wait_for(lambda: self.inside >= count, timeout)

    def picture(self):
        """The timeline as a small bar chart: one column per arrival or departure."""
        with self._changed:
            counts = self.timeline[:60]
        height = max(counts, default=0)
        rows = [
            f"  {level:>2} |" + "".join("#" if c >= level else " " for c in counts)
            for level in range(height, 0, -1)
        ]
        return "cars parked, after each arrival or departure (left to right):\n" + "\n".join(rows)


class ParkedCars:
    """`count` cars, each in a thread of its own, parked until the test lets it go."""

    def __init__(self, car_park, count, attendant):
        self.attendant = attendant
        self.go = [threading.Event() for _ in range(count)]
        self.threads = [
            threading.Thread(
                target=car_park.visit, args=(self._errand(i),), name=f"parked-car-{i}", daemon=True
            )
            for i in range(count)
        ]

    def _errand(self, index):
        def stay_until_let_go():
            self.attendant.arrive()
            try:
                self.go[index].wait(timing.HOLD_LIMIT)  # bounded, so a failed test cannot keep it forever
            finally:
                self.attendant.depart()

        return stay_until_let_go

    def park_all(self):
        for thread in self.threads:
            thread.start()
        count = len(self.threads)
        assert self.attendant.wait_until_parked(count), (
            f"{count} cars drove into a car park with {SPACES} spaces, but after {timing.AT_ONCE:g} s "
            f"only {self.attendant.inside} of them had parked. {TOO_FEW}"
        )

    def let_go(self, index):
        """Let one car go and wait until its visit is over (its leave() included)."""
        self.go[index].set()
        self.threads[index].join(timing.AT_ONCE)
        return not self.threads[index].is_alive()

    def let_all_go(self):
        for event in self.go:
            event.set()
        deadline = time.monotonic() + timing.AT_ONCE
        for thread in self.threads:
            if thread.ident is not None:
                thread.join(max(0.0, deadline - time.monotonic()))


def test_k_cars_can_park_at_once():
    car_park = parking.CarPark(SPACES)
    attendant = Attendant()
    all_parked = threading.Barrier(SPACES, timeout=timing.AT_ONCE)

    def wait_for_the_others_inside():
        attendant.arrive()
        try:
            all_parked.wait()  # passes only once SPACES cars are parked at the same time
            return True
        except threading.BrokenBarrierError:
            return False
        finally:
            attendant.depart()

    met = run_together(
        SPACES,
        lambda _: car_park.visit(wait_for_the_others_inside),
        seconds=3 * timing.AT_ONCE,
        name="car",
    )
    assert all(met) and attendant.most_at_once == SPACES, (
        f"{SPACES} cars came to a car park with {SPACES} spaces and each waited, parked, "
        f"for the others to park too. They never met: the most parked at once was "
        f"{attendant.most_at_once}, the others were kept at the gate. The car park lets in "
        "too few. "
        f"{TOO_FEW}\n{attendant.picture()}"
    )


def test_a_car_is_refused_while_every_space_is_taken():
    car_park = parking.CarPark(SPACES)
    cars = ParkedCars(car_park, SPACES, Attendant())
    try:
        cars.park_all()
        started = time.monotonic()
        got_in = finishes_within(
            timing.AT_ONCE,
            car_park.enter,
            timeout=0.05,
            explain=(
                "enter(timeout=0.05) was still waiting long after its 0.05 s were up. Pass the "
                "timeout on: a semaphore's acquire(timeout=...) gives up and returns False."
            ),
        )
        assert got_in is False, (
            f"all {SPACES} spaces were taken by parked cars, yet enter(timeout=0.05) returned "
            f"{got_in!r}, not False. "
            + (
                "A car got in with no space free: the car park has no limit, or a limit "
                "higher than its spaces. Create one semaphore in __init__, with the number "
                "of spaces, and make every car acquire that same semaphore."
                if got_in
                else "Return what the semaphore's acquire() returns: False when it gave up."
            )
        )
        took = time.monotonic() - started
        assert took >= 0.045, (
            f"enter(timeout=0.05) on a full car park gave up after {took * 1000:.1f} ms: it "
            "should wait the whole 50 ms for a space to come free before it returns False. "
            "acquire(blocking=False) does not wait at all; acquire(timeout=0.05) does."
        )
        at_once = finishes_within(
            timing.AT_ONCE,
            car_park.enter,
            timeout=0,
            explain=(
                "enter(timeout=0) on a full car park should look and return False at once: "
                "a timeout of 0 means do not wait, not wait forever ('if timeout:' is false "
                "for 0; compare with None instead)."
            ),
        )
        assert at_once is False, (
            f"all {SPACES} spaces were taken, yet enter(timeout=0) returned {at_once!r}, not False"
        )
        assert cars.let_go(0), "a parked car could not finish its visit after it was let go"
        got_in = finishes_within(
            timing.AT_ONCE, car_park.enter, timeout=timing.AT_ONCE, explain=KEEPS_THE_SPACE
        )
        assert got_in is True, (
            f"a car left, so a space was free, but enter() returned {got_in!r}, not True. "
            + (KEEPS_THE_SPACE if got_in is False else "Return True when a space was taken.")
        )
        car_park.leave()
    finally:
        cars.let_all_go()


def test_a_waiting_car_gets_in_as_soon_as_one_leaves():
    car_park = parking.CarPark(SPACES)
    cars = ParkedCars(car_park, SPACES, Attendant())
    waiting_car = None
    try:
        cars.park_all()
        # The car park is full: enter() with no timeout waits at the gate.
        waiting_car = Call(car_park.enter, name="waiting-car")
        waiting_car.thread.join(timing.GLIMPSE)  # a window: does it (wrongly) get in?
        if waiting_car.done and isinstance(waiting_car.error, NotImplementedError):
            raise waiting_car.error
        assert not waiting_car.done, (
            f"all {SPACES} spaces were taken, yet enter() with no timeout "
            + (f"raised {waiting_car.error!r}" if waiting_car.error else f"returned {waiting_car.value!r}")
            + " instead of waiting at the gate. With no timeout (None), enter() waits as long "
            "as it takes: acquire() blocks, acquire(blocking=False) does not."
        )
        assert cars.let_go(0), "a parked car could not finish its visit after it was let go"
        got_in = waiting_car.finish(
            timing.AT_ONCE,
            "enter() of the car waiting at the gate",
            f"One car left the full car park, so a space was free. {KEEPS_THE_SPACE}",
        )
        assert got_in is True, (
            f"a car waited at the gate with enter(); one car left, and enter() returned "
            f"{got_in!r}, not True"
        )
        car_park.leave()
    finally:
        cars.let_all_go()
        if waiting_car is not None and not waiting_car.done:
            try:
                car_park.leave()  # a space for the waiting car, so that its thread ends
            except Exception:
                pass
            waiting_car.thread.join(timing.AT_ONCE)


def test_a_busy_day_serves_every_car_and_never_more_than_k_at_once():
    car_park = parking.CarPark(SPACES)
    attendant = Attendant()

    def shop():
        attendant.arrive()
        time.sleep(0.003)  # the simulated errand: a few milliseconds in the shop
        attendant.depart()

    run_together(
        CARS,
        lambda _: car_park.visit(shop),
        seconds=timing.AT_ONCE,
        name="car",
        explain=f"Cars are stuck at the gate of a car park of {SPACES} spaces. {KEEPS_THE_SPACE}",
    )
    assert attendant.most_at_once <= SPACES, (
        f"{CARS} cars used a car park with {SPACES} spaces and up to "
        f"{attendant.most_at_once} were parked at once. Every car must take one of the "
        f"{SPACES} permits of one shared semaphore before it parks.\n{attendant.picture()}"
    )
    assert attendant.served == CARS, f"{CARS} cars came but {attendant.served} were served"


class FlatTyre(Exception):
    """What the failing errand raises."""


def test_visit_returns_the_errands_result_and_always_gives_the_space_back():
    car_park = parking.CarPark(1)
    shopping = ["shopping done"]
    result = finishes_within(timing.AT_ONCE, car_park.visit, lambda: shopping, explain=KEEPS_THE_SPACE)
    assert result is shopping, (
        f"visit() should return what the errand returns (the very object); got {result!r}"
    )

    def breaks_down():
        raise FlatTyre("the errand failed")

    try:
        finishes_within(timing.AT_ONCE, car_park.visit, breaks_down, explain=KEEPS_THE_SPACE)
    except FlatTyre:
        pass
    else:
        raise AssertionError(
            "the errand raised FlatTyre but visit() returned normally: let the errand's "
            "exception go on to the caller, who needs to know the errand failed"
        )
    again = object()
    result = finishes_within(timing.AT_ONCE, car_park.visit, lambda: again, explain=KEEPS_THE_SPACE)
    assert result is again, f"visit() should return what the errand returns; got {result!r}"
    assert finishes_within(timing.AT_ONCE, car_park.enter, timeout=0) is True, (
        "after three visits to a car park of 1 space, the space should be free again: "
        f"enter(timeout=0) did not get it. {KEEPS_THE_SPACE}"
    )
    car_park.leave()


def _expect_value_error(call, what):
    try:
        call()
    except ValueError:
        return
    except NotImplementedError:
        raise
    except Exception as exc:
        raise AssertionError(
            f"{what} raised {type(exc).__name__}({exc}), not ValueError. A "
            "threading.BoundedSemaphore raises ValueError when it is released more often "
            "than it was acquired."
        ) from exc
    raise AssertionError(
        f"{what} did not raise ValueError. A plain threading.Semaphore just counts one more "
        "free space, so every extra leave() makes the car park bigger than it is; a "
        "threading.BoundedSemaphore refuses, with ValueError, to go above the number it "
        "was created with."
    )


def test_leaving_more_often_than_entering_raises_value_error():
    car_park = parking.CarPark(2)
    _expect_value_error(car_park.leave, "leave() on a car park no car had entered")
    assert finishes_within(timing.AT_ONCE, car_park.enter, timeout=timing.AT_ONCE) is True, (
        "enter() on an empty car park should take a space and return True"
    )
    car_park.leave()
    _expect_value_error(car_park.leave, "a second leave() after a single enter()")
    for space in (1, 2):
        assert finishes_within(timing.AT_ONCE, car_park.enter, timeout=timing.AT_ONCE) is True, (
            f"a car park of 2 spaces, all free, refused car {space}"
        )
    third = finishes_within(
        timing.AT_ONCE, car_park.enter, timeout=0.05, explain="enter(timeout=0.05) should give up"
    )
    assert third is False, (
        f"after two refused leave() calls, a car park of 2 spaces let a third car in "
        f"(enter returned {third!r}): a refused leave() must change nothing, and here it "
        "added a space anyway. Let the BoundedSemaphore do the check: it refuses before "
        "it counts."
    )


def test_each_car_park_admits_exactly_its_own_spaces():
    small, big = parking.CarPark(1), parking.CarPark(SPACES)
    for car_park, spaces in ((small, 1), (big, SPACES)):
        for car in range(1, spaces + 1):
            got_in = finishes_within(
                timing.AT_ONCE, car_park.enter, timeout=0,
                explain="enter(timeout=0) with a space free should take it at once",
            )  # fmt: skip
            assert got_in is True, (
                f"car {car} came to a car park of {spaces} spaces"
                + (f" (a car park of 1 space next to it is full)" if car_park is big else "")
                + f", and enter(timeout=0) returned {got_in!r}, not True. "
                + (
                    "Each car park needs a semaphore of its own, made in __init__ and kept "
                    "on self: a semaphore shared by every car park (a class attribute, or a "
                    "module-level one) counts the spaces of all of them together."
                    if car_park is big
                    else TOO_FEW
                )
            )
        refused = finishes_within(
            timing.AT_ONCE, car_park.enter, timeout=0,
            explain="enter(timeout=0) on a full car park should return False at once",
        )  # fmt: skip
        assert refused is False, (
            f"a car park of {spaces} space{'s' * (spaces != 1)}, with {spaces} car{'s' * (spaces != 1)} "
            f"in, let car {spaces + 1} in "
            f"too (enter(timeout=0) returned {refused!r}): it admits more than its spaces"
            + (
                f". A car park of {SPACES} spaces was made after it: if all car parks share "
                "one semaphore (a class attribute, or a module-level one), the last one made "
                "sets the count for all. Keep the semaphore on self."
                if car_park is small
                else ""
            )
        )
    for car_park, spaces in ((small, 1), (big, SPACES)):
        for car in range(spaces):
            car_park.leave()  # as many as entered: no error
        _expect_value_error(car_park.leave, f"leave() number {spaces + 1} after {spaces} enter() calls")


def _join(timer, seconds):
    """Wait for a timer's thread to end; one that was never started has nothing to wait for."""
    try:
        timer.join(seconds)
    except RuntimeError:  # "cannot join thread before it is started"
        pass


def test_a_delayed_call_runs_once_after_the_delay_in_its_own_thread():
    calls = []  # (thread, when, args), one per call
    called = threading.Event()

    def reminder(*args):
        calls.append((threading.current_thread(), time.monotonic(), args))
        called.set()

    caller = []

    def schedule():
        caller.append(threading.current_thread())
        return parking.call_later(DELAY, reminder, "ticket", 42)

    asked_at = time.monotonic()
    timer = finishes_within(timing.AT_ONCE, schedule, explain=RETURN_AT_ONCE)
    assert isinstance(timer, threading.Thread) and hasattr(timer, "cancel"), (
        f"call_later() returned {timer!r}: return the started threading.Timer, so that "
        "the caller can cancel() it"
    )
    # The timer's thread makes the call and then ends: wait for that, then judge.
    _join(timer, DELAY + timing.AT_ONCE)
    if getattr(timer, "ident", 0) is None:
        why = "The timer was never started: a threading.Timer does nothing until start()."
    elif timer.is_alive():
        why = "Its thread is still waiting."
    else:
        why = "Its thread ended without making the call: see the exception it raised, below."
    assert called.is_set(), (
        f"call_later({DELAY}, fn, ...) had not called fn after {DELAY + timing.AT_ONCE:g} s. {why}"
    )
    thread, called_at, args = calls[0]
    assert thread is not caller[0], (
        "fn ran in the thread that called call_later(), which was kept waiting out the "
        "delay (or fn was called right there, and its result handed to the Timer). "
        "Timer.start() runs the wait and the call in a new thread; Timer.run() runs them "
        "in the caller's, like Thread.run()."
    )
    waited = called_at - asked_at
    assert waited >= DELAY * 0.9, (
        f"fn ran {waited:.3f} s after call_later({DELAY}, ...), before its delay was over"
    )
    assert args == ("ticket", 42), (
        f"call_later({DELAY}, fn, 'ticket', 42) called fn{args!r}, not fn('ticket', 42). "
        "threading.Timer takes the arguments as one tuple: Timer(delay, fn, args)."
    )
    assert not timer.is_alive(), "the timer's thread was still alive after its call was done"
    assert len(calls) == 1, f"fn was called {len(calls)} times, not once"
    finishes_within(timing.AT_ONCE, timer.cancel, explain="cancel() after the call was made should do nothing")
    finishes_within(timing.AT_ONCE, timer.cancel, explain="a second cancel() should do nothing")
    assert len(calls) == 1 and not timer.is_alive(), (
        f"cancel() after the call was made should change nothing; fn has now been called "
        f"{len(calls)} times"
    )


def test_a_cancelled_call_never_runs_and_the_others_still_do():
    calls = []
    soon = finishes_within(
        timing.AT_ONCE, parking.call_later, DELAY, calls.append, "soon", explain=RETURN_AT_ONCE
    )
    later = finishes_within(
        timing.AT_ONCE, parking.call_later, FAR_OFF, calls.append, "later", explain=RETURN_AT_ONCE
    )
    assert isinstance(later, threading.Thread) and hasattr(later, "cancel"), (
        f"call_later() returned {later!r}: return the started threading.Timer"
    )
    later.cancel()  # FAR_OFF seconds before it is due
    finishes_within(timing.AT_ONCE, later.cancel, explain="a second cancel() should do nothing")
    # Wait for both timers' threads to end, then judge: once a thread has ended, what it
    # did not call it never will.
    _join(later, timing.AT_ONCE)
    _join(soon, DELAY + timing.AT_ONCE)
    assert "later" not in calls, (
        f"call_later({FAR_OFF:g}, ...) was cancelled right away, yet its function ran "
        f"(calls so far: {calls}). A cancelled call must never run."
    )
    assert not later.is_alive(), (
        f"cancel() was called long before the {FAR_OFF:g} s were up, but {timing.AT_ONCE:g} s "
        "later the timer's thread was still waiting: cancel() did not reach it, or it "
        "sleeps out the whole delay before it looks. A threading.Timer waits on an "
        "Event that cancel() sets, so it wakes, sees it was cancelled, and ends at once."
    )
    assert calls == ["soon"], (
        f"of two delayed calls, only the second was cancelled; the first should still "
        f"have run, but the calls made were {calls}. Cancelling one must not cancel the "
        "others (and a timer runs only once it is start()ed)."
    )
