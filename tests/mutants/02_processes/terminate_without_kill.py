"""Stops a child still running at the deadline with terminate() and a join(timeout)
only, never kill(): terminate() sends SIGTERM, which a child may catch or ignore (a
server that shuts down cleanly on SIGTERM, or one stuck with the signal blocked). Such a
child is left running, and reported with exit code None.

Source: Python docs, multiprocessing.Process.terminate ("On POSIX this is done using the
SIGTERM signal") and Process.kill ("Same as terminate() but using the SIGKILL signal"),
and signal: SIGKILL "cannot be caught, blocked, or ignored"
(https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Process.kill).
Caught by: test_a_child_that_ignores_sigterm_is_killed
Says: terminate() left it running
Caught on: linux, macos (why not on Windows: no signals there; terminate() is TerminateProcess, which no child can ignore, so it is right)
"""

from kata.runner import load_reference

load_reference("02_processes", globals())  # everything as in the reference solution, except:


def _stop(child):
    child.terminate()
    child.join(_STOP_SECONDS)  # and if SIGTERM was ignored, nothing more
