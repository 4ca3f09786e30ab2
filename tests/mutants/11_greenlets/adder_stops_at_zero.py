"""The adder loops `while value:` instead of `while value is not None:`: 0 is falsy, so
sending 0 ends the adder as if it were None, and later switches go to the caller.

Source: https://peps.python.org/pep-0008/#programming-recommendations ("Also, beware of
writing `if x` when you really mean `if x is not None` -- e.g. when testing whether a
variable or argument that defaults to None was set to some other value. The other
value might have a type (such as a container) that could be false in a boolean
context!")
Caught by: test_values_travel_through_switch
Says: 0 is a number to add, not the end
"""

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:


def make_adder():
    def add(first):
        total = 0
        value = first
        while value:
            total += value
            value = getcurrent().parent.switch(total)
        return total

    return greenlet(add)
