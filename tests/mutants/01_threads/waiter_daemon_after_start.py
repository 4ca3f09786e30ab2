"""start_waiter sets daemon after start(): Python refuses to change a running
thread's daemon status (RuntimeError).

Caught by: test_a_daemon_thread_does_not_keep_the_interpreter_alive, test_a_non_daemon_thread_keeps_the_interpreter_alive_until_it_ends
Says: cannot set daemon status of active thread
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from kata.runner import load_reference

load_reference("01_threads", globals())  # everything as in the reference solution, except:


def start_waiter(daemon: bool) -> threading.Thread:
    """Start a thread named "waiter" that reads one line from standard input, then ends.

    Make it a daemon thread if ``daemon`` is true. Return the started thread at once,
    without waiting for it. (The tests call this in a child interpreter, and watch
    whether the thread keeps that interpreter from exiting.)
    """
    waiter = threading.Thread(target=sys.stdin.readline, name="waiter")
    waiter.start()
    waiter.daemon = daemon
    return waiter
