"""Every wait and bound of the tests and the harness, from a few named constants.

Like CPython's ``test.support`` (SHORT_TIMEOUT, LONG_TIMEOUT), a test never writes a
number of seconds of its own for how long to wait on the learner's code: it names one of
these. Each is a bound on a wait that ends early when the awaited thing happens, so a
right answer never waits it out; a wrong one fails when it runs out. Tests that must
watch for something that should NOT happen (a thread that wakes too often, a task too
many) watch for one of the short WINDOW lengths and decide by what they saw.

Two things scale them:

- the start method: under forkserver and spawn every child process boots an interpreter
  and imports its modules (0.1 s idle, seconds on a loaded 2-core machine), so the bounds
  on a child's start are longer there; a test first learns whether a child exists at all
  (psutil, a sentinel, an exit code) and fails at once when it has died or never will;
- ``KATA_TIME_SCALE`` (a number, 1 by default): for a slow machine, a debugger-heavy
  session or a sanitizer build, every bound is multiplied by it. The windows are not:
  they measure behaviour, and a longer window only makes a wrong answer easier to see.

The long bound, ``child_ready()``, is only ever waited out for a child that is alive:
``ChildWatch`` tells "not started yet" from "never will" (no process started from the
test's, for SOON, means none is coming), and ``warm_up()`` boots the forkserver before
the learner's code runs, so its start-up is not mistaken for theirs.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import multiprocessing.process
import os
import time


def _scale() -> float:
    try:
        value = float(os.environ.get("KATA_TIME_SCALE") or 1.0)
    except ValueError:
        return 1.0
    return max(value, 1.0)


SCALE = _scale()

# Bounds: how long a test waits for something a right answer does.
AT_ONCE = 1.0 * SCALE  # in this process: a call returns, a woken thread runs, an echo comes back
SOON = 2.0 * SCALE  # the same for a group of threads, or a call that does a little real work
CROWD = 4.0 * SCALE  # a crowd of clients or tasks, each needing a moment
CHILD_READY_FORK = 3.0 * SCALE  # a forked child: running and able to answer
CHILD_READY_BOOTED = 20.0 * SCALE  # a child that boots an interpreter (spawn, forkserver), loaded machine
# In a probe (code running in a child, or a task held for the test): the longest it waits
# for the test's word. Longer than any bound a test waits on it; only a probe whose test
# failed and went away ever waits it out.
HOLD_LIMIT = 30.0 * SCALE

# Windows: how long a test watches for something that must not happen.
GLIMPSE = 0.05  # a thread or task that should not get through gets this long to (wrongly) do so
WATCH = 0.2  # a server or loop watched while idle, for spinning or wake-ups


def start_method() -> str:
    return multiprocessing.get_start_method()


def boots_children() -> bool:
    """Does each new child process boot a fresh interpreter (spawn, forkserver)?"""
    return start_method() != "fork"


def child_ready() -> float:
    """The bound on a new child process starting and saying so, for this start method.

    Wait on it only while the child is alive: a child that died is seen at once through
    its exit code or sentinel, and a learner's call that returned without starting one
    never will (ChildWatch).
    """
    return CHILD_READY_BOOTED if boots_children() else CHILD_READY_FORK


# --- telling "not started yet" from "never will" -----------------------------------------

_HELPERS = ("multiprocessing.forkserver import main", "multiprocessing.resource_tracker import main")


def descendants() -> list:
    """The live processes started from this one, at any depth (psutil.Process objects).

    multiprocessing's own helpers, the forkserver and the resource tracker, are left
    out (they outlive every test); the children a forkserver forks are counted.
    """
    import psutil  # here, not at the top: probes import this module in every child

    me = psutil.Process()
    found = []
    for process in me.children(recursive=True):
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                continue  # ended, not yet reaped
            if process.ppid() == me.pid and any(h in " ".join(process.cmdline()) for h in _HELPERS):
                continue
        except psutil.Error:  # ended meanwhile
            continue
        found.append(process)
    return found


def live_children() -> list:
    """The multiprocessing.Process objects this process started that are running now.

    Unlike multiprocessing.active_children(), it neither reaps an ended child nor takes
    it off multiprocessing's list of children (tests read that list to see which were
    never joined): it asks each child's sentinel, which only says whether it ended.
    """
    alive = []
    for process in list(getattr(multiprocessing.process, "_children", ())):
        try:
            ended = multiprocessing.connection.wait([process.sentinel], 0)
        except (ValueError, OSError):  # closed, or not started: not running
            continue
        if not ended:
            alive.append(process)
    return alive


def warm_up() -> None:
    """Under forkserver, start the server and wait for it (a no-op child), before the test
    times the learner's code: its start-up, once a session, is then not theirs."""
    if start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    if getattr(forkserver._forkserver, "_forkserver_pid", None) is not None:
        return  # running already (the first warm_up, or the learner's code, started it)
    child = multiprocessing.Process(target=os.getpid, name="kata: forkserver warm-up")
    child.start()
    child.join(child_ready())
    if child.is_alive():
        child.kill()
        child.join()


class ChildWatch:
    """For a learner's call that should start child processes: is one still coming?

    ``hopeless()`` is True once the call has had no live child process (descendants())
    for ``grace`` seconds in a row, counted from the watch's making, or once ``bound``
    seconds have passed (child_ready() by default). While a child lives, it may be
    booting, and the long bound holds; a call blocked with none never starts one.
    ``ignore()``, if given, names pids that do not count (children known to be busy
    already, say). ``since`` says how long the watch has run, for messages.
    """

    def __init__(self, bound: float | None = None, grace: float = SOON, ignore=None) -> None:
        self.began = self._seen = time.monotonic()
        self._looked = self._table = 0.0
        self.bound = child_ready() if bound is None else bound
        self.grace = grace
        self.ignore = ignore or (lambda: ())
        self.alive = False  # was a child alive when last looked?
        self.any_seen = False

    def since(self) -> float:
        return time.monotonic() - self.began

    def children(self) -> bool:
        """Is a child process alive now? multiprocessing's own children first (cheap,
        live_children()), every 0.05 s; the whole process table (psutil, tens of ms on a
        busy machine) at most every 0.25 s, for children started some other way."""
        now = time.monotonic()
        if now - self._looked < 0.05:
            return self.alive
        self._looked = now
        ignored = set(self.ignore())
        if any(p.pid not in ignored for p in live_children()):
            self.alive = True
        elif now - self._table >= 0.25:
            self._table = now
            self.alive = any(p.pid not in ignored for p in descendants())
        else:
            return self.alive  # as the last look said; the table is looked at again soon
        if self.alive:
            self._seen = now
            self.any_seen = True
        return self.alive

    def none_for(self) -> float:
        """How long no child process has been seen alive (since the watch began, if none
        ever was)."""
        self.children()
        return time.monotonic() - self._seen

    def hopeless(self) -> bool:
        return self.none_for() > self.grace or self.since() > self.bound

    def why(self) -> str:
        """Why hopeless() said so, for a failure message."""
        if time.monotonic() - self.began > self.bound:
            return f"after {self.bound:g} s, though a child process it started still runs"
        if self.any_seen:
            return f"{self.since():.1f} s on, its child processes ended (none alive for {self.grace:g} s)"
        return f"{self.since():.1f} s on, having started no child process (none alive for {self.grace:g} s)"


def join_while_children(thread, watch: ChildWatch | None = None) -> ChildWatch:
    """Join `thread`, a learner's call that starts child processes, for as long as one of
    them may still be coming (ChildWatch: up to child_ready() while a child lives, SOON
    with none). Returns the watch: if the thread still runs, watch.why() says why the
    wait stopped."""
    watch = watch or ChildWatch()
    while thread.is_alive() and not watch.hopeless():
        thread.join(0.02)
    return watch
