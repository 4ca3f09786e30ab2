"""gil_enabled() answers True whatever the interpreter says: wrong on a free-threaded
build running without the GIL.

Caught by: test_gil_enabled_asks_the_running_interpreter
Says: running without the GIL (sys._is_gil_enabled() says False)
"""

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def gil_enabled():
    return True
