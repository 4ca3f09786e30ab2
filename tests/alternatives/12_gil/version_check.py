"""gil_enabled() that checks the version before asking: before Python 3.13 there is no
sys._is_gil_enabled and always a GIL, so it answers True without looking the function
up; from 3.13 on the function exists in every build, and it asks it. Right on every real
interpreter (the reference looks the function up with getattr instead).
"""

import sys

from kata.runner import load_reference

load_reference("12_gil", globals())  # everything as in the reference solution, except:


def gil_enabled():
    if sys.version_info < (3, 13):
        return True
    return bool(sys._is_gil_enabled())
