"""make_adder keeps the running total in a mutable default argument (a one-item list),
so every adder adds into the same total: the second adder starts where the first one
stopped.

Source: https://docs.python.org/3/reference/compound_stmts.html#function-definitions
("Default parameter values are evaluated from left to right when the function
definition is executed. This means that the expression is evaluated once ... and that
the same 'pre-computed' value is used for each call.")
Caught by: test_values_travel_through_switch
Says: a default argument
"""

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:


def make_adder(total=[0]):  # noqa: B006 (the mistake this mutant is about)
    def add(value):
        while value is not None:
            total[0] += value
            value = getcurrent().parent.switch(total[0])
        return total[0]

    return greenlet(add)
