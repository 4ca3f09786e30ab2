"""06_queues: producer and consumer processes that pass numbers over multiprocessing queues.

Reference solution. Producers put batches of numbers on one queue; consumers take them
and pass them on to a second queue until each takes a STOP of its own; the parent puts
one STOP per consumer once the producers are done, reads the results until it has seen
one STOP per consumer, and only then joins the consumers.
"""

from __future__ import annotations

import multiprocessing
import queue
import time

# The sentinel: "no more items, stop". None crosses a queue and is still None on the
# other side, so ``item is STOP`` works in every process. (An ``object()`` would not: a
# queue pickles what it carries, and the far end gets a new object, never the same one.)
STOP = None


def produce(
    items: multiprocessing.Queue,
    first: int,
    count: int,
    batch: int = 100,
    timeout: float | None = None,
) -> None:
    """Put the numbers ``first``, ``first + 1``, ... ``first + count - 1`` on ``items``.

    Put them in order, in lists of ``batch`` numbers (the last list may be shorter): one
    put per list, not per number. Each put waits at most ``timeout`` seconds for room in
    a full queue (``None``: as long as it takes); when there is no room in time, let the
    ``queue.Full`` it raises propagate. Put no STOP: ending the consumers is the parent's job.
    """
    end = first + count
    for start in range(first, end, batch):
        items.put(list(range(start, min(start + batch, end))), timeout=timeout)


def consume(items: multiprocessing.Queue, results: multiprocessing.Queue) -> None:
    """Take batches from ``items`` and put each on ``results``, until a STOP arrives.

    Wait for each batch with a blocking get: an empty queue means "nothing yet", not
    "the end"; only STOP means the end. Take exactly one STOP (the items behind it belong
    to the other consumers), put a STOP on ``results`` so its reader knows this consumer
    is done, and return.
    """
    while True:
        batch = items.get()
        if batch is STOP:
            break
        results.put(batch)
    results.put(STOP)


def run_conveyor(
    count: int, producers: int = 2, consumers: int = 2, batch: int = 100, timeout: float = 30.0
) -> list[int]:
    """Move the numbers 0 ... ``count - 1`` from producer processes to consumer processes.

    Start ``producers`` processes running ``produce`` (each with its own share of
    ``range(count)``, every number in exactly one share) and ``consumers`` processes
    running ``consume``, all sharing one items queue and one results queue. Once every
    producer has ended, put one STOP per consumer on the items queue. Read the results
    queue until one STOP per consumer has arrived, then join the consumers, and return
    every number received, in the order received.

    Read the results before joining the consumers: a process that has put data on a
    queue does not end until the data is written into the queue's pipe, which holds only
    about 64 KB until someone reads it.

    Give up after ``timeout`` seconds in all: terminate and join every process still
    running and raise ``TimeoutError``. (A ``queue.Empty`` from a get with a timeout means
    nothing arrived in time: say what did not finish, don't let it leak out or loop on it.)
    """
    deadline = time.monotonic() + timeout
    items = multiprocessing.Queue(maxsize=4 * consumers)  # bounded: producers wait for consumers
    results = multiprocessing.Queue()
    # Producer i sends range(bounds[i], bounds[i + 1]): together, all of range(count) once.
    bounds = [count * i // producers for i in range(producers + 1)]
    makers = [
        multiprocessing.Process(
            target=produce,
            args=(items, bounds[i], bounds[i + 1] - bounds[i], batch, timeout),
            name=f"producer-{i}",
        )
        for i in range(producers)
    ]
    takers = [
        multiprocessing.Process(target=consume, args=(items, results), name=f"consumer-{i}")
        for i in range(consumers)
    ]
    everyone = makers + takers
    for process in everyone:
        process.start()
    try:
        # The consumers drain the items queue meanwhile, so the producers can end.
        for process in makers:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                raise TimeoutError(f"{process.name} did not finish within {timeout} s")
        for _ in takers:
            try:
                items.put(STOP, timeout=max(0.0, deadline - time.monotonic()))
            except queue.Full:
                raise TimeoutError(f"the consumers took nothing for {timeout} s") from None
        received: list[int] = []
        stops = 0
        while stops < consumers:
            late = TimeoutError(f"{consumers - stops} consumers sent no STOP within {timeout} s")
            left = deadline - time.monotonic()  # checked on every get: results may keep coming
            if left <= 0:
                raise late
            try:
                got = results.get(timeout=left)
            except queue.Empty:
                raise late from None
            if got is STOP:
                stops += 1
            else:
                received.extend(got)
        for process in takers:  # everything they put has been read: they can end now
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                raise TimeoutError(f"{process.name} did not end within {timeout} s")
        return received
    except BaseException:
        items.cancel_join_thread()  # STOPs nobody will read must not keep this process alive
        for process in everyone:
            if process.is_alive():
                process.terminate()
        for process in everyone:
            process.join(5)
        raise
    finally:
        # Not needed for correctness: ends this process's feeder threads promptly.
        items.close()
        results.close()
