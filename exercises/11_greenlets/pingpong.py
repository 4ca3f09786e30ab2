"""11_greenlets: taking turns by hand with greenlet.

Your work: write the four functions below (see README.md, "What you write"). Run the
tests with:  pytest exercises/11_greenlets
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from greenlet import greenlet, getcurrent  # noqa: F401  (you will need them)


def ping_pong(rounds: int, record: Callable[[str, int], None]) -> int:
    """Play ``rounds`` rounds of ping-pong between two new greenlets, ping and pong.

    In round n (counting from 1), ping calls ``record("ping", n)`` and then switches
    to pong, which calls ``record("pong", n)`` and switches back to ping. So the
    records come in the order ping 1, pong 1, ping 2, pong 2, ... Each side makes every
    one of its records from its own greenlet, and neither is the caller's greenlet.

    Ping's function returns ``rounds`` when it is done; a greenlet's return value goes
    to its parent (the caller, who started it), so that is what ``ping_pong`` returns.
    With ``rounds=0`` nothing is recorded and it returns 0.
    """
    raise NotImplementedError


def make_adder() -> greenlet:
    """Return a new, not yet started greenlet that keeps a running total.

    Its parent is the caller, and each call makes a new adder with a total of its own.
    ``adder.switch(x)`` with a number (0 included) adds ``x`` to the total and the
    switch returns the total so far. Only ``adder.switch(None)`` ends it: its
    function returns the total, so that switch returns the total and afterwards
    ``adder.dead`` is True.
    """
    raise NotImplementedError


def pause() -> None:
    """Called by a task that ``round_robin`` runs: let the other tasks have a turn.

    Switch to the scheduler (the task greenlet's parent); return when the scheduler
    switches back to this task.
    """
    raise NotImplementedError


def round_robin(tasks: Sequence[Callable[[], object]]) -> list:
    """Run every task (a function with no arguments) in its own greenlet, in turn.

    Start the tasks in order; each runs until it calls ``pause()`` or returns. Then the
    next unfinished task gets its turn, round and round, until every task has returned.
    A task that finishes early drops out; the others carry on. Everything runs in the
    caller's thread. Return the tasks' return values, in the order of ``tasks``, once
    every task's greenlet has finished (is dead). If a task raises, its exception comes
    out of ``round_robin`` at once, and no other task is resumed.
    """
    raise NotImplementedError
