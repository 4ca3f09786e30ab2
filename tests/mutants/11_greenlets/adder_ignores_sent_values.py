"""The adder only uses the value that started it, and ignores what later switches send
(it keeps adding the first number).

Caught by: test_values_travel_through_switch
Says: expected the running totals
"""

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:


def make_adder():
    def add(first):
        total = 0
        value = first
        while value is not None:
            total += first
            value = getcurrent().parent.switch(total)
        return total

    return greenlet(add)
