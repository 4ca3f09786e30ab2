"""wait_readable and wait_writable unregister the socket after the switch back, but not
in a finally: a greenlet unwound at a stop (GreenletExit raised at its switch) skips
that line, so its registration stays. The next run() of the same hub selects on that
socket for a greenlet that is gone, and never finds that nothing is left: it waits in
select for ever.

Source: greenlet docs, greenlet.throw(): it "switches execution to this greenlet, but
immediately raises the given exception in this greenlet", so nothing after the switch
runs unless a finally (or except) is around it
(https://greenlet.readthedocs.io/en/latest/api.html#greenlet.greenlet.throw)
Caught by: test_stop_unwinds_parked_greenlets_and_closes_every_socket
Says: a registration left behind keeps the hub in select
"""

from kata.runner import load_reference

load_reference("17_green_server", globals())  # everything as in the reference solution, except:


def _park(self, waiting, sock):
    me = greenlet.getcurrent()
    if self._loop is None or me is self._loop:
        raise RuntimeError("only a greenlet the hub runs can wait; the hub cannot wait for itself")
    if sock in waiting:
        raise RuntimeError(f"another greenlet already waits for {sock!r}")
    waiting[sock] = me
    self._loop.switch()
    waiting.pop(sock, None)  # reached only when resumed, not when unwound


Hub._park = _park
