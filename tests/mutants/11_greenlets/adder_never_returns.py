"""On None the adder switches the total to its parent and waits, instead of returning:
it never finishes, so it is never dead.

Caught by: test_a_finished_greenlet_returns_to_its_parent
Says: still alive
"""

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:


def make_adder():
    def add(value):
        total = 0
        while True:
            if value is not None:
                total += value
            value = getcurrent().parent.switch(total)

    return greenlet(add)
