"""gil_enabled() answers from the version alone, as if Python 3.13 had removed the GIL:
True before 3.13, False from 3.13 on. The standard build of 3.13 and later still has
the GIL on; only the separate free-threaded build (python3.13t) can run without it.

Source: https://docs.python.org/3.13/whatsnew/3.13.html#free-threaded-cpython (the
free-threaded mode is an experimental, separate build; the default build keeps the GIL),
and https://www.cloudcontraptions.com/blog/retro-2024-10-python-313/ ("Neither was on by
default").
Caught by: test_gil_enabled_asks_the_running_interpreter
Says: Python 3.13 did not remove the GIL
"""

import sys

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def gil_enabled():
    return sys.version_info < (3, 13)
