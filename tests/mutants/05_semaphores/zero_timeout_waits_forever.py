"""enter() passes its timeout on as `timeout or None`: a timeout of 0 is false, so
enter(timeout=0) on a full car park waits forever instead of returning False at once.

Source: justiniso/polling issue 26, "Passing timeout=0 to poll() behaves like
poll_forever" (https://github.com/justiniso/polling/issues/26): the line
`max_time = time.time() + timeout if timeout else None`.

Caught by: test_a_car_is_refused_while_every_space_is_taken, test_each_car_park_admits_exactly_its_own_spaces
Says: a timeout of 0 means do not wait, not wait forever
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar
from kata.runner import load_reference

load_reference("05_semaphores", globals())  # everything as in the reference solution, except:


class CarPark(CarPark):
    def enter(self, timeout: float | None = None) -> bool:
        return self._free.acquire(timeout=timeout or None)
