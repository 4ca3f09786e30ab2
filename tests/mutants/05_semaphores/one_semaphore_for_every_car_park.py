"""__init__ stores the semaphore on the class (CarPark._free = ...) instead of on self:
every car park shares the semaphore of the last one made. A car park of 1 space made
before one of 3 spaces lets 3 cars in, and the two together hold 3 cars, not 4.

Source: the Python tutorial, 9.3.5 "Class and Instance Variables": data shared through
a class variable is shared by all instances, with "possibly surprising effects"
(https://docs.python.org/3/tutorial/classes.html#class-and-instance-variables).

Caught by: test_each_car_park_admits_exactly_its_own_spaces
Says: Keep the semaphore on self
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar
from kata.runner import load_reference

load_reference("05_semaphores", globals())  # everything as in the reference solution, except:


class CarPark(CarPark):
    def __init__(self, spaces: int) -> None:
        CarPark._free = threading.BoundedSemaphore(spaces)  # one for the class, not for self
