"""13_conditions: a bounded buffer that producer and consumer threads share safely.

Read README.md in this folder, then replace each ``raise NotImplementedError`` below.
Check your work with:  pytest exercises/13_conditions
"""

from __future__ import annotations

import threading
from collections import deque


class Closed(Exception):
    """Raised by ``put`` once the buffer is closed, and by ``get`` once it is closed and empty."""


class BoundedBuffer:
    """A first-in, first-out buffer of at most ``capacity`` items, shared by many threads."""

    def __init__(self, capacity: int, condition: threading.Condition | None = None) -> None:
        """Make an empty, open buffer for at most ``capacity`` items (``ValueError`` below 1).

        Guard everything with ``condition``, or with a new ``threading.Condition()`` when
        none is given: every wait and every notify of this buffer goes through that one
        condition. (The tests hand in a condition that reports who is waiting on it.)
        """
        raise NotImplementedError

    def put(self, item: object, timeout: float | None = None) -> None:
        """Add ``item`` at the end; while the buffer is full, wait for a free slot.

        Raise ``Closed`` if the buffer is closed, also when it is closed while this call
        waits. Raise ``TimeoutError`` if no slot frees within ``timeout`` seconds (``None``:
        wait as long as it takes; ``0``: do not wait). The timeout is for the whole call:
        a wake-up that finds the buffer still full does not start it again.
        """
        raise NotImplementedError

    def get(self, timeout: float | None = None) -> object:
        """Remove and return the oldest item; while the buffer is empty, wait for one.

        Once the buffer is closed, keep handing out the items still in it, then raise
        ``Closed``; a call that is waiting when the buffer is closed raises ``Closed`` too.
        Raise ``TimeoutError`` if no item arrives within ``timeout`` seconds (``None``: wait
        as long as it takes; ``0``: do not wait), however often it is woken up meanwhile.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Close the buffer and wake every thread waiting in ``put`` or ``get``.

        Items already in the buffer stay there for ``get`` to hand out.
        """
        raise NotImplementedError

    def __len__(self) -> int:
        """How many items are in the buffer now."""
        raise NotImplementedError
