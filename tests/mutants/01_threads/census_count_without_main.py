"""census counts the threads without the main thread, as if active_count() counted
only the threads the program started itself.

Caught by: test_census_sees_every_thread_of_the_process_from_the_caller
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


def census() -> tuple[str, list[str], int]:
    """What the calling thread sees of its process's threads.

    Return (the calling thread's name, the names of all threads alive now, how many
    threads are alive now). The main thread and the calling thread count too.
    """
    return (
        threading.current_thread().name,
        [thread.name for thread in threading.enumerate()],
        threading.active_count() - 1,
    )
