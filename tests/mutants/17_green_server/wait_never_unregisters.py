"""wait_readable and wait_writable register the socket but never remove it: the hub
wakes a greenlet again for a socket it no longer waits for, and selects on closed ones.

Caught by: test_a_resumed_greenlet_is_not_woken_again_for_its_old_socket
Says: must unregister
"""

from kata.runner import load_reference

load_reference("17_green_server", globals())  # everything as in the reference solution, except:


def _park(self, waiting, sock):
    me = greenlet.getcurrent()
    if self._loop is None or me is self._loop:
        raise RuntimeError("only a greenlet the hub runs can wait")
    waiting[sock] = me
    self._loop.switch()


Hub._park = _park
