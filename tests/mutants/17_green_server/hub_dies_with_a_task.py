"""spawn runs fn without catching its exception: the first task that raises ends the hub's
run(), and with it every other greenlet and the whole server.

Caught by: test_an_exception_in_one_greenlet_is_recorded_and_the_others_go_on
"""

from kata.runner import load_reference

load_reference("17_green_server", globals())  # everything as in the reference solution, except:


def spawn(self, fn, *args):
    def task():
        try:
            fn(*args)
        except greenlet.GreenletExit:
            pass

    child = greenlet.greenlet(task)
    self._ready.append(child)
    return child


Hub.spawn = spawn
