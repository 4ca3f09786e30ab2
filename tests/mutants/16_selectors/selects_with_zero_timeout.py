"""Calls select(timeout=0) in its loop, "so that it never blocks": it never waits either,
and the idle server spins, using a whole core to do nothing.

Caught by: test_an_idle_server_burns_no_cpu
"""

from kata.runner import load_reference

load_reference("16_selectors", globals())  # everything as in the reference solution, except:


class PollingSelector(selectors.DefaultSelector):
    def select(self, timeout=None):
        return super().select(0)  # what `selector.select(timeout=0)` in the loop does


def __init__(self, host="127.0.0.1", port=0):
    _reference_init(self, host, port)
    self._selector.close()
    self._selector = PollingSelector()
    self._selector.register(self._listener, selectors.EVENT_READ, data="listener")
    self._selector.register(self._wake_reader, selectors.EVENT_READ, data="wake-up")


_reference_init = EchoServer.__init__
EchoServer.__init__ = __init__
