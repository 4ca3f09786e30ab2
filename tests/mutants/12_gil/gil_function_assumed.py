"""gil_enabled() calls sys._is_gil_enabled() as if every Python had it: before 3.13 it
does not exist, and the call raises AttributeError.

Caught by: test_gil_enabled_asks_the_running_interpreter
Says: getattr(sys, '_is_gil_enabled', None)
"""

import sys

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def gil_enabled():
    return sys._is_gil_enabled()
