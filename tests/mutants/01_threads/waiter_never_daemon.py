"""start_waiter ignores its daemon argument: the waiter is always a non-daemon thread,
so an exiting Python waits for it.

Caught by: test_a_daemon_thread_does_not_keep_the_interpreter_alive
Says: that thread was not a daemon
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
    return waiter
