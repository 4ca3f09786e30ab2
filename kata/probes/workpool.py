"""The task the 08_pools tests hand to ``run_all``: it runs in the pool's worker processes.

Each call phones the test's switchboard (a ``multiprocessing.connection.Listener`` in the
test process, whose address is bound in with ``functools.partial``), says "started", and
waits for the test to say how to finish: return a value or raise ``TaskFailed``. Then it
says "ended" and waits for the switchboard to confirm it has counted the end, so a
worker's next task can never be counted as running before this one is counted as done.
That way the test knows, at every moment, exactly which tasks run and in which process,
without any task sleeping for a guessed time.

Locks, Barriers and Queues cannot be task arguments of a Pool (they may only be shared
by inheritance), but an address is a plain string, and a partial of a module-level
function pickles by reference under every start method.
"""

from __future__ import annotations

import os
import time
from multiprocessing.connection import Client

# HOLD_LIMIT: the longest a task waits for the test's word. A right answer never comes
# near it; it only keeps a task from outliving a test that failed and went away.
from kata.timing import HOLD_LIMIT


class TaskFailed(Exception):
    """What a task raises when the test told it to fail."""


def call(address: str, index: int, label: str) -> str:
    """One task: report to the switchboard at `address`, finish as it says, return a result."""
    with Client(address) as line:
        line.send(("start", index, os.getpid(), time.monotonic()))
        if not line.poll(HOLD_LIMIT):
            raise TaskFailed(f"task {index} was never told to finish (the test is gone)")
        how = line.recv()
        line.send(("end", index, os.getpid(), time.monotonic()))
        line.recv()  # the switchboard has counted this task as ended
    if how == "fail":
        raise TaskFailed(f"task {index} ({label}) failed on purpose")
    return f"{label} done"
