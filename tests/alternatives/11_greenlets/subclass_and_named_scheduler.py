"""A correct pingpong written another way: ping and pong are greenlet subclasses with a
``run`` method that pass the ball by switching to each other's attribute, the adder is a
greenlet subclass, and the scheduler keeps itself in a module-level stack so that
``pause()`` switches to it by name (not to ``parent``), cycling over a list with an index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from greenlet import greenlet, getcurrent


class _Player(greenlet):
    def __init__(self, name, rounds, record):
        super().__init__()
        self.name, self.rounds, self.record, self.other = name, rounds, record, None

    def run(self):
        n = 0
        while n < self.rounds:
            n = n + 1 if self.name == "ping" else self.switch_value
            self.record(self.name, n)
            if self.name == "ping":
                self.other.switch_value = n
                self.other.switch()
            else:
                self.other.switch()
        return self.rounds


def ping_pong(rounds: int, record: Callable[[str, int], None]) -> int:
    """Play ``rounds`` rounds of ping-pong between two new greenlets, ping and pong.

    In round n (counting from 1), ping calls ``record("ping", n)`` and then switches
    to pong, which calls ``record("pong", n)`` and switches back to ping. So the
    records come in the order ping 1, pong 1, ping 2, pong 2, ... Each side makes every
    one of its records from its own greenlet, and neither is the caller's greenlet.

    Ping's function returns ``rounds`` when it is done; a greenlet's return value goes
    to its parent (the caller, who started it), so that is what ``ping_pong`` returns.
    """
    ping = _Player("ping", rounds, record)
    pong = _Player("pong", rounds, record)
    ping.other, pong.other = pong, ping
    return ping.switch()


class _Adder(greenlet):
    def run(self, value):
        total = 0
        while value is not None:
            total += value
            value = self.parent.switch(total)
        return total


def make_adder() -> greenlet:
    """Return a new, not yet started greenlet that keeps a running total.

    Its parent is the caller. ``adder.switch(x)`` with a number adds ``x`` to the total
    and the switch returns the total so far. ``adder.switch(None)`` ends it: its
    function returns the total, so that switch returns the total and afterwards
    ``adder.dead`` is True.
    """
    return _Adder()


_schedulers: list = []  # the greenlet of each round_robin running now, innermost last


def pause() -> None:
    """Called by a task that ``round_robin`` runs: let the other tasks have a turn.

    Switch to the scheduler (the task greenlet's parent); return when the scheduler
    switches back to this task.
    """
    _schedulers[-1].switch("paused")


def round_robin(tasks: Sequence[Callable[[], object]]) -> list:
    """Run every task (a function with no arguments) in its own greenlet, in turn.

    Start the tasks in order; each runs until it calls ``pause()`` or returns. Then the
    next unfinished task gets its turn, round and round, until every task has returned.
    A task that finishes early drops out; the others carry on. Everything runs in the
    caller's thread. Return the tasks' return values, in the order of ``tasks``.
    """
    greenlets = [greenlet(task) for task in tasks]
    results = [None] * len(tasks)
    _schedulers.append(getcurrent())
    try:
        i = 0
        while any(not g.dead for g in greenlets):
            g = greenlets[i % len(greenlets)]
            i += 1
            if g.dead:
                continue
            value = g.switch()
            if g.dead:
                results[greenlets.index(g)] = value
    finally:
        _schedulers.pop()
    return results
