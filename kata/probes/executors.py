"""Tasks the 15_futures tests hand to a ProcessPoolExecutor: they run in worker processes.

A worker process imports this module by name to unpickle each task, which is why these
live here and not in the test file (see kata/probes/__init__.py). ``check_in`` lets the
test decide when a task in another process finishes: threading.Event cannot cross into
a worker process, a socket can.
"""

from __future__ import annotations

import os
import socket

from kata.timing import HOLD_LIMIT  # the longest a task waits to be released, should the test be gone


class TaskFailed(Exception):
    """What ``fail_if_negative`` raises; defined at module level so that it pickles."""


def where(item):
    """Return (item, the pid of the process that ran this task)."""
    return item, os.getpid()


def fail_if_negative(item):
    """Return item * 10, or raise TaskFailed for a negative item."""
    if item < 0:
        raise TaskFailed(f"task {item} failed: negative items are refused")
    return item * 10


def check_in(address, item):
    """Tell the test's switchboard at `address` that task `item` started, in which process,
    then wait until the test releases it. Return (item, pid).

    If the test has gone or given up (refused or reset connection), run free.
    """
    pid = os.getpid()
    try:
        with socket.create_connection(address, timeout=HOLD_LIMIT) as connection:
            connection.sendall(f"{item} {pid}\n".encode())
            connection.recv(1)  # a byte, or b"" when the test closes: released either way
    except OSError:
        pass
    return item, pid
