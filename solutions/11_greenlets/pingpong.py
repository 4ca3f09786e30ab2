"""11_greenlets: taking turns by hand with greenlet.

Reference solution. A greenlet is a function call that can stop in the middle and be
resumed later, in the same OS thread. Nothing runs "at the same time": exactly one
greenlet runs, and it keeps running until it calls ``switch`` to hand over to another.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence

from greenlet import greenlet, getcurrent


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

    def play_ping() -> int:
        for n in range(1, rounds + 1):
            record("ping", n)
            pong.switch(n)  # hand the ball to pong; we continue here when pong switches back
        return rounds  # ping is finished: this value lands in the caller's ping.switch()

    def play_pong(n: int) -> None:
        # The first switch into pong starts this function: its arguments are what
        # ping passed to switch(). Later switches into pong return from pong's own
        # ping.switch() call below, with the value ping passed.
        while True:
            record("pong", n)
            n = ping.switch()

    # Both greenlets' parent is the caller's greenlet (the one running now): when ping's
    # function returns, control and its return value go back here.
    ping = greenlet(play_ping)
    pong = greenlet(play_pong)
    # pong never returns: it is left suspended in ping.switch(). When the last reference
    # to it goes, greenlet throws GreenletExit into it so it can clean up and end.
    return ping.switch()


def make_adder() -> greenlet:
    """Return a new, not yet started greenlet that keeps a running total.

    Its parent is the caller, and each call makes a new adder with a total of its own.
    ``adder.switch(x)`` with a number (0 included) adds ``x`` to the total and the
    switch returns the total so far. Only ``adder.switch(None)`` ends it: its
    function returns the total, so that switch returns the total and afterwards
    ``adder.dead`` is True.
    """

    def add(first: int | None) -> int:
        # The first switch starts the function; its value arrives as the argument.
        total = 0
        value = first
        while value is not None:
            total += value
            # Send the total to the parent; the parent's next switch(x) returns x here.
            value = getcurrent().parent.switch(total)
        return total  # the function ends: the total goes to the parent's switch()

    return greenlet(add)


def pause() -> None:
    """Called by a task that ``round_robin`` runs: let the other tasks have a turn.

    Switch to the scheduler (the task greenlet's parent); return when the scheduler
    switches back to this task.
    """
    getcurrent().parent.switch()


def round_robin(tasks: Sequence[Callable[[], object]]) -> list:
    """Run every task (a function with no arguments) in its own greenlet, in turn.

    Start the tasks in order; each runs until it calls ``pause()`` or returns. Then the
    next unfinished task gets its turn, round and round, until every task has returned.
    A task that finishes early drops out; the others carry on. Everything runs in the
    caller's thread. Return the tasks' return values, in the order of ``tasks``, once
    every task's greenlet has finished (is dead). If a task raises, its exception comes
    out of ``round_robin`` at once, and no other task is resumed.
    """
    results: list = [None] * len(tasks)
    # The queue of tasks still to run: (index, greenlet). Created here, so their parent
    # is this greenlet, and pause() inside a task switches back to this loop.
    ready = deque((index, greenlet(task)) for index, task in enumerate(tasks))
    while ready:
        index, task = ready.popleft()
        value = task.switch()  # run the task until it pauses or returns
        if task.dead:
            results[index] = value  # it returned: switch() gave us its return value
        else:
            ready.append((index, task))  # it paused: to the back of the queue
    return results
