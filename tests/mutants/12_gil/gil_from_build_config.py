"""gil_enabled() reads how the interpreter was built (Py_GIL_DISABLED), not whether the
GIL is on now: a free-threaded build can run with the GIL turned back on.

Caught by: test_gil_enabled_asks_the_running_interpreter
Says: how it was built
"""

import sysconfig

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def gil_enabled():
    return not sysconfig.get_config_var("Py_GIL_DISABLED")
