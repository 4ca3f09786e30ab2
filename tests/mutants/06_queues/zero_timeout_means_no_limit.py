"""Reads a timeout of 0 as "no timeout": the deadline is only set `if timeout`, so
run_conveyor(..., timeout=0), which should give up at once, waits for ever for work that
cannot finish (and produce(..., timeout=0) waits for ever for room in a full queue).

Source: https://github.com/justiniso/polling/issues/26 ("Passing timeout=0 to poll()
behaves like poll_forever": `max_time = time.time() + timeout if timeout else None`) and
https://github.com/meta-pytorch/botorch/pull/2348 ("Explicitly check timeout against None
so that 0.0 isn't ignored").
Caught by: test_produce_waits_for_room_and_raises_queue_full_after_its_timeout, test_run_conveyor_gives_up_in_time_and_leaves_nothing_running
Says: timeout=0 means give up at once
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:

_reference_run, _reference_produce = run_conveyor, produce


def produce(items, first, count, batch=100, timeout=None):
    _reference_produce(items, first, count, batch, timeout or None)


def run_conveyor(count, producers=2, consumers=2, batch=100, timeout=30.0):
    return _reference_run(count, producers, consumers, batch, timeout or 24 * 3600.0)
