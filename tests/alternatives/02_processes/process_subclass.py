"""Another right design: each job runs in a subclass of multiprocessing.Process that
overrides run() instead of passing target=, and the children are waited for with
multiprocessing.connection.wait() on their sentinels (one deadline for all) instead of
one join per child. A child still running at the deadline is stopped (terminate, then
kill) and reaped, so every report holds its real exit code.
"""

import multiprocessing.connection

from kata.runner import load_reference

load_reference("02_processes", globals())  # everything as in the reference solution, except:


class Job(multiprocessing.Process):
    """A child process that calls ``function(*args)``: run() overridden, no target."""

    def __init__(self, name, function, args):
        super().__init__(name=name)
        self._function = function
        self._args = args

    def run(self):
        self._function(*self._args)


def run_children(jobs, timeout):
    children = {name: Job(name, function, args) for name, (function, args) in jobs.items()}
    started = []
    try:
        for child in children.values():
            child.start()
            started.append(child)
        deadline = time.monotonic() + timeout
        waiting = {child.sentinel: child for child in started}
        while waiting:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            for sentinel in multiprocessing.connection.wait(list(waiting), left):
                waiting.pop(sentinel).join()  # it has ended: reap it, read its exit code
    finally:
        for child in started:
            if child.is_alive():
                _stop(child)
            else:
                child.join()
    return {
        name: ChildReport(name, child.pid, child.exitcode) for name, child in children.items()
    }
