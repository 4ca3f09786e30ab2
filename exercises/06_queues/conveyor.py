"""06_queues: producer and consumer processes that pass numbers over multiprocessing queues.

Read README.md in this folder, then replace each ``raise NotImplementedError`` below.
Check your work with:  pytest exercises/06_queues

Every function a process runs (produce, consume) stays at the top level of this module:
a child started with spawn or forkserver finds it by importing this module by name.
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
    raise NotImplementedError


def consume(items: multiprocessing.Queue, results: multiprocessing.Queue) -> None:
    """Take batches from ``items`` and put each on ``results``, until a STOP arrives.

    Wait for each batch with a blocking get: an empty queue means "nothing yet", not
    "the end"; only STOP means the end. Take exactly one STOP (the items behind it belong
    to the other consumers), put a STOP on ``results`` so its reader knows this consumer
    is done, and return.
    """
    raise NotImplementedError


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
    raise NotImplementedError
