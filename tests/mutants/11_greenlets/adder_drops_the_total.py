"""The adder switches back to its parent without passing the total: the value given to
switch is lost, and the caller's switch returns ().

Caught by: test_values_travel_through_switch
Says: expected the running totals
"""

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:


def make_adder():
    def add(value):
        total = 0
        while value is not None:
            total += value
            value = getcurrent().parent.switch()
        return total

    return greenlet(add)
