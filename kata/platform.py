"""What this system offers, facility by facility: the one place that knows.

Every answer comes from the running interpreter, except under the simulation switch:
KATA_SIMULATE=macos or windows removes, on Linux, what that system lacks (see
kata.simulation), in this process when this module is imported and in every
interpreter it starts (site/ goes first on PYTHONPATH). Code that needs a facility asks
here: it never tests ``os.path.isdir("/proc")`` or ``sys.platform`` itself, or the
simulation could not take the facility away.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import sys
import time

from kata import simulation

SIMULATED: str | None = simulation.requested()  # "macos", "windows" or None
if SIMULATED is not None:
    simulation.apply(SIMULATED)
    os.environ.update(simulation.child_environment(dict(os.environ), SIMULATED))

SYSTEM = SIMULATED or {"darwin": "macos", "win32": "windows"}.get(sys.platform, "linux" if sys.platform.startswith("linux") else sys.platform)
LINUX, MACOS, WINDOWS = SYSTEM == "linux", SYSTEM == "macos", SYSTEM == "windows"


def _importable(name: str):
    """The module, or None where this system (or the simulation) has none."""
    try:
        return __import__(name)
    except ImportError:
        return None


# Linux's per-process and per-thread files (/proc/self/task/<tid>/stat, status, wchan,
# syscall): wake-up counts, where a thread sleeps. Hidden by the simulation, which cannot
# take /proc away from open() itself.
PROC = SIMULATED is None and os.path.isdir("/proc/self/task")
FORK = hasattr(os, "fork")
SIGALRM = hasattr(signal, "SIGALRM") and hasattr(signal, "setitimer")  # the per-test alarm
SIGKILL = hasattr(signal, "SIGKILL")
KILLPG = hasattr(os, "killpg")  # a process group killed at once
SETSID = hasattr(os, "setsid")
AF_UNIX = hasattr(socket, "AF_UNIX")
EPOLL = hasattr(select, "epoll")
SELECT_ON_PIPES = not WINDOWS  # Windows' select() takes sockets only (WinError 10038)
SELECT_LIMIT = 512 if WINDOWS else 1024  # descriptors select.select() takes (FD_SETSIZE)
PASS_FDS = not WINDOWS  # subprocess.Popen(pass_fds=...)
SUBREAPER = LINUX  # prctl(PR_SET_CHILD_SUBREAPER): orphans stay our descendants
QUEUE_QSIZE = not MACOS  # multiprocessing.Queue.qsize() raises NotImplementedError on macOS
THREAD_CPU_CLOCK = hasattr(time, "pthread_getcpuclockid")  # one thread's CPU time, in ns
# psutil's Process.status() tells a process asleep (blocked) from one running or waiting
# for a CPU on Linux only: macOS reports every process as running (psutil#1754), Windows
# running or stopped. Elsewhere only the CPU time a process uses says it is idle.
PROCESS_SLEEPING = LINUX
fcntl = _importable("fcntl")
resource = _importable("resource")
termios = _importable("termios")
FCNTL, RESOURCE, TERMIOS = fcntl is not None, resource is not None, termios is not None
TIOCOUTQ = TERMIOS and hasattr(termios, "TIOCOUTQ")  # bytes a socket has not sent yet


def start_methods() -> tuple[str, ...]:
    """The multiprocessing start methods this system offers."""
    import multiprocessing

    return tuple(multiprocessing.get_all_start_methods())


def default_start_method() -> str:
    import multiprocessing

    return multiprocessing.get_context().get_start_method()


def open_files_limit() -> int | None:
    """How many descriptors this process may open (the soft limit), None where unknown
    (Windows: sockets are handles, with no small per-process limit)."""
    if resource is None:
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else soft


def context_switches() -> int | None:
    """How many times the threads of this process have been switched off a CPU so far, all
    threads together, voluntary and involuntary; None where the system cannot say.

    A thread asleep in a wait with no timeout adds nothing until it is woken; one that
    naps in slices or polls with a timeout adds one per wake-up. This is a whole process's
    count: where there is /proc (PROC), one thread's own count is better. Linux: getrusage
    (psutil reads the main thread's only there); macOS and Windows: psutil, which counts
    every thread's there.
    """
    if LINUX and resource is not None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_nvcsw + usage.ru_nivcsw
    try:
        import psutil

        return sum(psutil.Process().num_ctx_switches())
    except Exception:  # psutil missing, or the system will not say
        return None


def thread_cpu_seconds(native_id: int) -> float | None:
    """CPU time (user + system) the thread with this native id has used so far, from
    psutil (every system; coarse on some: Linux counts in clock ticks of 10 ms, Windows
    in its timer's 15.6 ms); None once the thread has ended."""
    import psutil

    for thread in psutil.Process().threads():
        if thread.id == native_id:
            return thread.user_time + thread.system_time
    return None


def selector_limit() -> int | None:
    """How many sockets selectors.DefaultSelector() can watch at once: SELECT_LIMIT where
    it is select-based (Windows), None where it has no such limit (epoll, kqueue, poll)."""
    import selectors

    return SELECT_LIMIT if selectors.DefaultSelector is selectors.SelectSelector else None


def describe() -> dict[str, object]:
    """Every answer, for a report header and for the self-test."""
    return {
        "system": SYSTEM, "simulated": SIMULATED, "proc": PROC, "fork": FORK,
        "start_methods": list(start_methods()), "default_start_method": default_start_method(),
        "sigalrm": SIGALRM, "sigkill": SIGKILL, "killpg": KILLPG, "setsid": SETSID,
        "af_unix": AF_UNIX, "epoll": EPOLL, "select_on_pipes": SELECT_ON_PIPES,
        "select_limit": SELECT_LIMIT, "pass_fds": PASS_FDS, "subreaper": SUBREAPER,
        "queue_qsize": QUEUE_QSIZE, "thread_cpu_clock": THREAD_CPU_CLOCK, "process_sleeping": PROCESS_SLEEPING, "fcntl": FCNTL,
        "resource": RESOURCE, "termios": TERMIOS, "tiocoutq": TIOCOUTQ,
        "open_files_limit": open_files_limit(), "selector_limit": selector_limit(),
        "context_switches": context_switches() is not None,
    }  # fmt: skip


if __name__ == "__main__":
    import json

    print(json.dumps(describe(), indent=1))
