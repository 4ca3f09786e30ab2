"""The process table, seen the same way on Linux, macOS and Windows (psutil).

What the harness asks of it: which processes live below this one (leaks after a test,
leftovers at the end of a run, a grader's orphans), killing them or a whole tree, whether
one is alive, and what it runs. psutil has native backends on each system, so nothing
here reads /proc or runs ps; and "is it alive" is never ``os.kill(pid, 0)``, which ends
the process on Windows.
"""

from __future__ import annotations

import os
import time

import psutil

from kata import platform

_real_exit = os._exit  # taken before kata.guard replaces os._exit in the pytest process
_GONE = (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD)


def exit_now(status: int) -> None:
    """End this process at once, whatever kata.guard did to os._exit."""
    _real_exit(status)


def _helper_pids() -> set[int]:
    """multiprocessing's own long-lived helpers, started on first use and kept on purpose."""
    pids = set()
    try:
        from multiprocessing import forkserver

        pids.add(forkserver._forkserver._forkserver_pid)
    except (ImportError, AttributeError):
        pass
    try:
        from multiprocessing import resource_tracker

        pids.add(resource_tracker._resource_tracker._pid)
    except (ImportError, AttributeError):
        pass
    return {p for p in pids if p}


def _status(process: psutil.Process) -> str | None:
    try:
        return process.status()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def descendants(root: int | None = None) -> dict[int, str]:
    """Every living process below `root` (default: this one), with its psutil status.

    Zombies (ended, not yet reaped) are not living. multiprocessing's forkserver and
    resource tracker are left out, but not the processes the forkserver forks for us.
    """
    try:
        below = psutil.Process(os.getpid() if root is None else root).children(recursive=True)
    except psutil.NoSuchProcess:
        return {}
    helpers = _helper_pids()
    found = {}
    for process in below:
        status = _status(process) if process.pid not in helpers else None
        if status is not None and status not in _GONE:
            found[process.pid] = status
    return found


def is_alive(pid: int) -> bool:
    """Is there a living (not zombie) process with this pid?"""
    try:
        return psutil.Process(pid).status() not in _GONE
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def exists(pid: int) -> bool:
    """Is there a process with this pid at all, a zombie (ended, not yet reaped) included?

    Windows has no zombies: there a process that has ended is gone. (Never
    ``os.kill(pid, 0)``, which ends the process on Windows.)
    """
    try:
        return psutil.pid_exists(pid)
    except (psutil.Error, OSError):
        return False


def gone(pid: int, within: float = 0.0) -> bool:
    """True once no process, not even a zombie, has this pid; waits up to `within` seconds.

    A reaped child is gone at once. The wait is for Windows, where multiprocessing's
    terminate() and kill() return (and report the exit code) as soon as TerminateProcess
    has been asked, and the process ends a moment later; a zombie nobody reaps stays.
    """
    deadline = time.monotonic() + within
    while exists(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)
    return True


def kill_self() -> None:
    """End this process at once, as another process's ``Process.kill()`` would end it.

    POSIX: SIGKILL, which multiprocessing reports as exit code -9. Windows has no signals:
    there kill() and terminate() are both TerminateProcess with multiprocessing's own exit
    code, which it reports as -15 (-SIGTERM). Under the simulated Windows the same -15
    comes from SIGTERM's default action (this process must not catch or ignore it).
    """
    import signal

    if platform.SIGKILL:
        os.kill(os.getpid(), signal.SIGKILL)
    elif platform.SIMULATED:
        os.kill(os.getpid(), signal.SIGTERM)
    else:
        import _winapi
        from multiprocessing import popen_spawn_win32

        _winapi.TerminateProcess(_winapi.GetCurrentProcess(), popen_spawn_win32.TERMINATE)
    time.sleep(60)  # not reached: the process has ended


def command_line(pid: int) -> str:
    """What the process runs, as one line ("" when it cannot be read)."""
    try:
        return " ".join(psutil.Process(pid).cmdline())
    except (psutil.Error, OSError):
        return ""


def send_kill(pids) -> None:
    """Kill these processes (SIGKILL; TerminateProcess on Windows) without waiting."""
    for pid in pids:
        try:
            psutil.Process(pid).kill()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass


def reap() -> None:
    """Collect the exit status of our ended children that no one else waits for.

    multiprocessing's first, through its own bookkeeping, so that its Process objects
    keep their exit codes; then any other child (POSIX only: Windows has no zombies).
    """
    import multiprocessing

    multiprocessing.active_children()
    if not hasattr(os, "WNOHANG"):
        return
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill(pids: set[int]) -> None:
    """Kill these processes, wait until they are gone (5 s at most), and reap them."""
    send_kill(pids)
    deadline = time.monotonic() + 5.0
    while set(descendants()) & pids and time.monotonic() < deadline:
        time.sleep(0.01)
    import multiprocessing

    multiprocessing.active_children()  # reaps multiprocessing's children, keeping it in step
    if hasattr(os, "WNOHANG"):
        for pid in pids:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass  # not ours, or already reaped


def kill_tree(pid: int, *, group: bool = False) -> None:
    """Kill a process and everything below it.

    The tree is read before anything is killed: once a parent dies its children are
    adopted elsewhere and no longer look like its own. With `group`, where the system has
    process groups (kata.platform.KILLPG), the group `pid` leads is killed too: that also
    reaches processes that left the tree by double-forking. Does not wait or reap.
    """
    try:
        tree = [psutil.Process(pid)]
        tree += tree[0].children(recursive=True)
    except psutil.NoSuchProcess:
        tree = []
    send_kill(p.pid for p in tree)
    if group and platform.KILLPG:
        import signal

        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
