"""09_shared_memory: a scoreboard that referee processes update at once, losing no points.

Reference solution. The scores live in a shared ``multiprocessing.Array`` and the total
in a shared ``multiprocessing.Value``; both use the Array's own re-entrant process lock,
and every read-pause-write of a score happens under it. ``doubled_in_child`` hands
numbers to a child through a ``multiprocessing.shared_memory`` segment, which it always
unlinks.
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
        self._scores = multiprocessing.Array("i", teams)  # comes with its own RLock
        # The total shares that lock, so a score and the total change in one step.
        self._total = multiprocessing.Value("i", 0, lock=self._scores.get_lock())

    def add(self, team: int, points: int, pause: Callable[[], object] = no_pause) -> int:
        """Add ``points`` to ``team``'s score and to the total; return the team's new score.

        Read the team's score, call ``pause()`` once (between the read and the write: it
        stands for the work a real program does there), then write the new score and add
        to the total. All of it under the board's one process lock.
        """
        with self._scores.get_lock():  # re-entrant: self._scores[...] takes it again
            score = self._scores[team] + points
            pause()
            self._scores[team] = score
            self._total.value += points
            return score

    def scores(self) -> list[int]:
        """Every team's score, as a new list, read under the lock."""
        with self._scores.get_lock():
            return list(self._scores)

    def total(self) -> int:
        """The total of all points ever added, read under the lock."""
        with self._scores.get_lock():
            return self._total.value


def referee(
    board: Scoreboard, team: int, points: Sequence[int], pause: Callable[[], object] = no_pause
) -> None:
    """What one referee process runs: ``board.add(team, p, pause)`` for each ``p`` in ``points``.

    A top-level function, so that spawn and forkserver children can import it by name.
    """
    for p in points:
        board.add(team, p, pause)


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
    processes = [
        multiprocessing.Process(
            target=referee, args=(board, team, points, pause), name=f"referee-{i}"
        )
        for i, (team, points) in enumerate(referees)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return board.scores()


def double_in_place(name: str, count: int) -> None:
    """What the child runs: attach to the segment called ``name``, double its first
    ``count`` numbers (8-byte signed ints) in place, and close it. The creator unlinks it.

    A number whose double does not fit in 8 bytes makes this raise (and the child fail).
    """
    segment = shared_memory.SharedMemory(name=name)
    try:
        numbers = struct.unpack_from(f"{count}q", segment.buf)
        struct.pack_into(f"{count}q", segment.buf, 0, *(2 * n for n in numbers))
    finally:
        segment.close()


def doubled_in_child(numbers: Sequence[int]) -> list[int]:
    """Double each number in a child process, passing them through shared memory.

    Create a segment big enough for the numbers as 8-byte signed ints, copy them in,
    run ``double_in_place`` in a child process, wait for it, and return the numbers read
    back out. Raise ``ChildProcessError`` if the child's exit code is not 0. Close and
    unlink the segment whatever happens: a segment outlives every process until it is
    unlinked.
    """
    count = len(numbers)
    segment = shared_memory.SharedMemory(create=True, size=8 * count)
    try:
        struct.pack_into(f"{count}q", segment.buf, 0, *numbers)
        child = multiprocessing.Process(target=double_in_place, args=(segment.name, count))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise ChildProcessError(f"the child ended with exit code {child.exitcode}")
        return list(struct.unpack_from(f"{count}q", segment.buf))
    finally:
        segment.close()
        segment.unlink()
