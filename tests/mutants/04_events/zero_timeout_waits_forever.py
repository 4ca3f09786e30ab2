"""wait() passes its timeout on as `timeout or None`: a timeout of 0 is false, so
wait(0) on a closed gate waits forever instead of looking and returning False.

Source: justiniso/polling issue 26, "Passing timeout=0 to poll() behaves like
poll_forever" (https://github.com/justiniso/polling/issues/26): the line
`max_time = time.time() + timeout if timeout else None`.

Caught by: test_wait_with_a_timeout_returns_false_while_the_gate_is_shut
Says: a timeout of 0 means do not wait, not wait forever
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from kata.runner import load_reference

load_reference("04_events", globals())  # everything as in the reference solution, except:


class StartingGate(StartingGate):
    def wait(self, timeout: float | None = None) -> bool:
        return self._open.wait(timeout or None)
