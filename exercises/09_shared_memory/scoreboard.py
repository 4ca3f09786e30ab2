"""09_shared_memory: a scoreboard that referee processes update at once, losing no points.

Read README.md in this folder, then replace each ``raise NotImplementedError`` below.
Check your work with:  pytest exercises/09_shared_memory

Every function a child process runs (``referee``, ``double_in_place``) stays at the top
level of this module: under spawn and forkserver the child imports it by name.
"""

from __future__ import annotations

import multiprocessing
import struct
from collections.abc import Callable, Sequence
from multiprocessing import shared_memory


def no_pause() -> None:
    """The pause ``Scoreboard.add`` calls when it is given none: it does nothing. Given."""


class Scoreboard:
    """Points per team and the total of all points, in memory that child processes share.

    Make it in the parent before starting the referee processes and hand it to them as
    an argument: each child then works on the very same scores, not on a copy.
    """

    def __init__(self, teams: int) -> None:
        """Create the shared scores (one C int per team, all 0), the shared total (0) and
        the one process lock that guards both."""
        raise NotImplementedError

    def add(self, team: int, points: int, pause: Callable[[], object] = no_pause) -> int:
        """Add ``points`` to ``team``'s score and to the total; return the team's new score.

        Read the team's score, call ``pause()`` once (between the read and the write: it
        stands for the work a real program does there), then write the new score and add
        to the total. All of it under the board's one process lock.
        """
        raise NotImplementedError

    def scores(self) -> list[int]:
        """Every team's score, as a new list, read under the lock."""
        raise NotImplementedError

    def total(self) -> int:
        """The total of all points ever added, read under the lock."""
        raise NotImplementedError


def referee(
    board: Scoreboard, team: int, points: Sequence[int], pause: Callable[[], object] = no_pause
) -> None:
    """What one referee process runs: ``board.add(team, p, pause)`` for each ``p`` in ``points``.

    A top-level function, so that spawn and forkserver children can import it by name.
    """
    raise NotImplementedError


def play(
    board: Scoreboard,
    referees: Sequence[tuple[int, Sequence[int]]],
    pause: Callable[[], object] = no_pause,
) -> list[int]:
    """Run one referee process per ``(team, points)`` in ``referees``, all at the same time.

    Start every process first, then join every one, and only then return
    ``board.scores()``. Each process's target is ``referee`` (or another top-level
    function), never a function nested in ``play`` or a lambda: under spawn and forkserver
    the target is pickled, by module and name, and those have no name to import.
    """
    raise NotImplementedError


def double_in_place(name: str, count: int) -> None:
    """What the child runs: attach to the segment called ``name``, double its first
    ``count`` numbers (8-byte signed ints) in place, and close it. The creator unlinks it.

    A number whose double does not fit in 8 bytes makes this raise (and the child fail).
    """
    raise NotImplementedError


def doubled_in_child(numbers: Sequence[int]) -> list[int]:
    """Double each number in a child process, passing them through shared memory.

    Create a segment big enough for the numbers as 8-byte signed ints, copy them in,
    run ``double_in_place`` in a child process, wait for it, and return the numbers read
    back out. Raise ``ChildProcessError`` if the child's exit code is not 0. Close and
    unlink the segment whatever happens: a segment outlives every process until it is
    unlinked.
    """
    raise NotImplementedError
