"""The simulation switch: KATA_SIMULATE=macos or windows removes, on Linux, what that
system lacks, so the harness and the exercises can be proved for it here.

kata.platform applies it when it is imported with KATA_SIMULATE set, and puts
``site/`` first on PYTHONPATH, so that ``site/sitecustomize.py`` applies it again at the
start of every interpreter the run starts: spawned children, grader runs, subprocesses.

What is removed, and from whom:

- everywhere (module attributes deleted): macOS: ``select.epoll``,
  ``time.pthread_getcpuclockid``, ``termios.TIOCOUTQ``; Windows also ``signal.SIGALRM``,
  ``setitimer``, ``SIGKILL``, ``os.fork``, ``setsid``, ``killpg``, ``socket.AF_UNIX``
  (``socket.socketpair`` becomes a TCP pair, as on Windows; ``select.select`` takes
  sockets only, at most 512: WinError 10038). The standard library and
  psutil are patched back where they used them on Linux's code paths (killing a process,
  ``Popen.kill``), because on the real system they have native paths of their own.
- multiprocessing: the default start method is spawn (both); Windows offers spawn only.
  macOS: ``Queue.qsize()`` raises NotImplementedError; the open-file limit is 256.
- only from code outside the standard library and site-packages (kata, exercises,
  solutions, tests, a submission), because the standard library and pytest use them on
  Linux's own code paths: Windows: ``import fcntl``, ``resource`` and ``termios`` raise
  ImportError; ``os.kill(pid, 0)`` ends the process (it sends CTRL_C_EVENT there);
  ``subprocess.Popen(pass_fds=...)`` raises.
- ``/proc`` cannot be hidden from open(): kata.platform says it is absent, and the
  harness asks kata.platform.

Everything here uses the standard library only: sitecustomize runs it before anything.
"""

from __future__ import annotations

import builtins
import os
import sys

SYSTEMS = ("macos", "windows")
VARIABLE = "KATA_SIMULATE"
SITE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "site")

# module -> attributes that system lacks (Linux has them all)
_MACOS_REMOVED = {
    "select": ("epoll", "EPOLLIN", "EPOLLOUT", "EPOLLERR", "EPOLLHUP", "EPOLLET"),
    "time": ("pthread_getcpuclockid",),
    "termios": ("TIOCOUTQ",),
}
_WINDOWS_REMOVED = {
    **_MACOS_REMOVED,
    "signal": ("SIGALRM", "setitimer", "getitimer", "ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF", "SIGKILL"),
    "os": ("fork", "forkpty", "setsid", "killpg"),
    "socket": ("AF_UNIX",),
}
REMOVED = {"macos": _MACOS_REMOVED, "windows": _WINDOWS_REMOVED}
BLOCKED_IMPORTS = {"macos": (), "windows": ("fcntl", "resource", "termios")}
WINDOWS_SELECT_LIMIT = 512  # FD_SETSIZE in CPython's Windows build
MACOS_OPEN_FILES = 256  # a macOS shell's default soft limit (ulimit -n)

_SIGKILL = 9  # kept for the library code patched back below


def requested() -> str | None:
    """The system KATA_SIMULATE names, or None; an unknown name is an error, not Linux."""
    system = os.environ.get(VARIABLE, "").strip().lower() or None
    if system is not None and system not in SYSTEMS:
        raise RuntimeError(f"{VARIABLE}={system!r}: expected one of {', '.join(SYSTEMS)}")
    return system


def active() -> str | None:
    return getattr(sys, "_kata_simulated", None)


def apply(system: str) -> None:
    """Remove what `system` lacks from this interpreter (once; later calls do nothing).

    The mark is kept on sys, not here: sitecustomize loads this file under another name
    before kata is importable, and kata.platform imports it again as kata.simulation.
    """
    if active() is not None:
        return
    sys._kata_simulated = system
    if not sys.platform.startswith("linux"):
        return  # a real macOS or Windows needs no simulation
    for module, names in REMOVED[system].items():
        _when_imported(module, lambda m, names=names: _delete(m, names))
    _when_imported("multiprocessing.context", lambda m: _spawn_by_default(m, only=system == "windows"))
    # selectors picked DefaultSelector when it was imported (pytest imports it early):
    # macOS's is kqueue, which Linux lacks, so poll stands in; Windows' is select.
    _when_imported("selectors", _select_selector_by_default if system == "windows" else _poll_selector_by_default)
    _when_imported("psutil", _whole_process_context_switches(__import__("resource")))
    if system == "macos":
        _when_imported("multiprocessing.queues", _no_qsize)
        _lower_open_files(MACOS_OPEN_FILES)
    if system == "windows":
        _when_imported("socket", _tcp_socketpair)
        # psutil's Linux backend reads AF_UNIX at import (its connection table); on Windows
        # its own backend needs none
        _when_imported("socket", lambda socket: _lend_while_importing("psutil._pslinux", socket, {"AF_UNIX": 1}))
        _when_imported("multiprocessing.popen_fork", _patch_kill("Popen", "_send_signal"))
        _when_imported("subprocess", _patch_kill("Popen", "send_signal"))
        _when_imported("subprocess", _no_pass_fds)
        _when_imported("psutil", _patch_kill("Process", "_send_signal"))
        _when_imported("select", _sockets_only_select)
        _when_imported("os", _kill_zero_ends_the_process)
        _block_imports(BLOCKED_IMPORTS[system])


def child_environment(env: dict[str, str], system: str | None) -> dict[str, str]:
    """`env` with the switch set and site/ first on PYTHONPATH (or both taken out)."""
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != SITE_DIR]
    env = {k: v for k, v in env.items() if k not in (VARIABLE, "PYTHONPATH")}
    if system is not None:
        env[VARIABLE] = system
        paths.insert(0, SITE_DIR)
    if paths:
        env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


# --- who sees a removal ------------------------------------------------------------------

# The standard library's folder (os.py's) and every site-packages; not sysconfig, which
# costs every child of the run a tenth of a second to import.
_LIBRARY_DIRS = tuple(
    {os.path.realpath(os.path.dirname(os.__file__))}
    | {os.path.realpath(p) for p in sys.path if p.endswith(("site-packages", "dist-packages"))}
)
_library_files: dict[str, bool] = {}


def _is_library(filename: str | None) -> bool:
    """Is this file the standard library's or an installed package's (pytest, psutil)?

    Those run Linux's own code paths here; on the real system they have native ones.
    Anything else (kata, exercises, solutions, tests, a submission) is what is proved.
    """
    if not filename or filename.startswith("<frozen"):
        return bool(filename)  # frozen modules are the standard library's
    known = _library_files.get(filename)
    if known is None:
        known = os.path.realpath(filename).startswith(_LIBRARY_DIRS)
        _library_files[filename] = known
    return known


def _caller_is_library(depth: int = 2) -> bool:
    return _is_library(sys._getframe(depth).f_code.co_filename)


# --- applying a removal when its module is imported -----------------------------------

_pending: dict[str, list] = {}  # module name -> patches to run once it is imported
_during: dict[str, list] = {}  # module name -> what to put back while it is imported
_during_restored: dict[str, list] = {}


class _Loader:
    """Wraps a module's loader to run the removals once the module has executed."""

    def __init__(self, loader, name):
        self.loader, self.name = loader, name

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        for restore in _during.pop(self.name, []):
            restore(True)
        try:
            self.loader.exec_module(module)
        finally:
            for restore in _during_restored.pop(self.name, []):
                restore(False)
        for patch in _pending.pop(self.name, []):
            patch(module)

    def __getattr__(self, name):  # get_source, is_package, ... as the real loader
        return getattr(self.loader, name)


class _AfterImport:  # a meta path finder
    def find_spec(self, name, path, target=None):
        if name not in _pending and name not in _during:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _Loader(spec.loader, name)
                return spec
        return None


_finder = _AfterImport()


def _when_imported(name: str, patch) -> None:
    module = sys.modules.get(name)
    if module is not None:
        patch(module)
        return
    _pending.setdefault(name, []).append(patch)
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)


def _lend_while_importing(name: str, module, attributes: dict) -> None:
    """Put `attributes` back on `module` while `name` is imported, then remove them
    again: a library that reads one at import on Linux's code path only (psutil)."""

    def lend(present):
        for attribute, value in attributes.items():
            if present:
                setattr(module, attribute, value)
            elif hasattr(module, attribute):
                delattr(module, attribute)

    _during.setdefault(name, []).append(lend)
    _during_restored.setdefault(name, []).append(lend)
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)


def _delete(module, names) -> None:
    for name in names:
        if hasattr(module, name):
            delattr(module, name)


# --- the removals ------------------------------------------------------------------------


def _spawn_by_default(context, only: bool) -> None:
    context._default_context._default_context = context._concrete_contexts["spawn"]
    if only:
        for method in ("fork", "forkserver"):
            context._concrete_contexts.pop(method, None)
    # the default first, as macOS's and Windows' multiprocessing lists them
    methods = ["spawn"] + [m for m in ("fork", "forkserver") if m in context._concrete_contexts]
    context.DefaultContext.get_all_start_methods = lambda self: list(methods)
    # `import multiprocessing` binds its functions to the default context: where it ran
    # before the simulation was applied (a pytest process), bind this one anew
    package = sys.modules.get("multiprocessing")
    if package is not None and hasattr(package, "get_all_start_methods"):
        package.get_all_start_methods = context._default_context.get_all_start_methods


def _whole_process_context_switches(resource):
    """Process.num_ctx_switches() counts every thread's switches on macOS and Windows (as
    one number, the voluntary; the involuntary are 0 there); psutil's Linux backend reads
    the main thread's only. For this process, count them all, as those systems do
    (getrusage; `resource` is handed over before any import is blocked)."""

    def patch(psutil):
        original = psutil.Process.num_ctx_switches

        def num_ctx_switches(self):
            if self.pid != os.getpid():
                return original(self)
            usage = resource.getrusage(resource.RUSAGE_SELF)
            return original(self)._replace(voluntary=usage.ru_nvcsw + usage.ru_nivcsw, involuntary=0)

        psutil.Process.num_ctx_switches = num_ctx_switches

    return patch


def _no_qsize(queues) -> None:
    def qsize(self):
        raise NotImplementedError("Queue.qsize() is not implemented on macOS (no sem_getvalue)")

    queues.Queue.qsize = qsize


def _lower_open_files(limit: int) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))


def _patch_kill(cls_name: str, send: str):
    """kill() sends SIGKILL by name; on Windows the library kills natively instead."""

    def patch(module):
        cls = getattr(module, cls_name)
        cls.kill = lambda self: getattr(self, send)(_SIGKILL)

    return patch


def _tcp_socketpair(socket) -> None:
    """socketpair() as Windows makes it: two TCP sockets connected over loopback.

    Except for multiprocessing.Pipe(), which on Windows is made of named pipes, not
    sockets: there a send to an end the other side has closed fails at once
    (BrokenPipeError), as with Linux's AF_UNIX pair, and not a moment later, as over TCP.
    """
    import _socket

    unix_pair, af_unix = socket.socketpair, _socket.AF_UNIX  # socket.AF_UNIX is removed

    def socketpair(family=socket.AF_INET, type=socket.SOCK_STREAM, proto=0):
        if sys._getframe(1).f_code.co_filename.endswith(_MULTIPROCESSING_PIPE):
            return unix_pair(af_unix)
        host = "::1" if family == socket.AF_INET6 else "127.0.0.1"
        with socket.socket(family, type, proto) as listener:
            listener.bind((host, 0))
            listener.listen()
            a = socket.socket(family, type, proto)
            try:
                a.connect(listener.getsockname())
                b, _ = listener.accept()
            except BaseException:
                a.close()
                raise
        return a, b

    del _socket
    socket.socketpair = _named(socketpair, "socket", "socketpair")


_MULTIPROCESSING_PIPE = os.path.join("multiprocessing", "connection.py")


def _named(function, module: str, name: str):
    """A stand-in that pickles by reference as the original it replaces (module.name):
    a test may hand os.kill to multiprocessing, which pickles it."""
    function.__module__, function.__name__, function.__qualname__ = module, name, name
    return function


def _no_pass_fds(subprocess) -> None:
    original = subprocess.Popen.__init__

    def init(self, *args, pass_fds=(), **kwargs):
        if pass_fds:
            raise ValueError("pass_fds is not supported on Windows (simulated: KATA_SIMULATE=windows)")
        original(self, *args, **kwargs)

    subprocess.Popen.__init__ = init


def _sockets_only_select(select) -> None:
    import stat

    original = select.select

    def fileno(obj):
        return obj if isinstance(obj, int) else obj.fileno()

    # For every caller, selectors.SelectSelector included: on Windows the standard
    # library's own pipes are waited for otherwise (multiprocessing, subprocess).
    def windows_select(rlist, wlist, xlist, timeout=None):
        watched = {fileno(o) for o in (*rlist, *wlist, *xlist)}
        if any(fd < 0 for fd in watched):  # ValueError, as on Windows (a closed socket's -1)
            return original(rlist, wlist, xlist, timeout)
        if len(watched) > WINDOWS_SELECT_LIMIT:
            raise ValueError(f"too many file descriptors in select() (Windows: {WINDOWS_SELECT_LIMIT} at most)")
        for fd in watched:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                raise OSError(10038, "An operation was attempted on something that is not a socket (Windows select() takes sockets only)")
        return original(rlist, wlist, xlist, timeout)

    select.select = _named(windows_select, "select", "select")


def _select_selector_by_default(selectors) -> None:
    selectors.DefaultSelector = selectors.SelectSelector  # Windows has no poll or epoll for it

    # SelectSelector's Windows code path: Linux's binds select.select, a builtin, as a
    # class attribute, which the simulated select (a function) would turn into a method.
    def _select(self, r, w, _, timeout=None):
        r, w, x = selectors.select.select(r, w, w, timeout)
        return r, w + x, []

    selectors.SelectSelector._select = _select
    _delete(selectors, ("EpollSelector", "DevpollSelector"))


def _poll_selector_by_default(selectors) -> None:
    selectors.DefaultSelector = selectors.PollSelector
    _delete(selectors, ("EpollSelector", "DevpollSelector"))


def _kill_zero_ends_the_process(os_module) -> None:
    original = os_module.kill

    def kill(pid, sig):
        # On Windows signal 0 is CTRL_C_EVENT and any other number but CTRL_BREAK_EVENT
        # calls TerminateProcess: "is it alive?" ends it.
        if sig == 0 and not _caller_is_library():
            sig = _SIGKILL
        return original(pid, sig)

    os_module.kill = _named(kill, "os", "kill")


def _block_imports(names) -> None:
    if not names:
        return
    original = builtins.__import__

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and name.partition(".")[0] in names:
            importer = (globals or {}).get("__file__")
            if not _is_library(importer):
                raise ModuleNotFoundError(f"No module named {name!r} (simulated Windows: KATA_SIMULATE=windows)", name=name)
        return original(name, globals, locals, fromlist, level)

    builtins.__import__ = guarded_import
