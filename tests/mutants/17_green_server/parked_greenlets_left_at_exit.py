"""run() returns without unwinding the greenlets still parked in wait_readable or
wait_writable: their finally blocks do not run when the hub stops, only whenever the
garbage collector gets to them (greenlet throws GreenletExit into a greenlet it collects),
or never while something still refers to them.

Source: greenlet docs, "Garbage Collection and greenlets": "If all the references to a
greenlet object go away (including the references from the parent attribute of other
greenlets), then there is no way to ever switch back to this greenlet. In this case, a
GreenletExit exception is generated into the greenlet."
(https://greenlet.readthedocs.io/en/latest/greenlet_gc.html)
Caught by: test_stop_unwinds_parked_greenlets_and_closes_every_socket
Says: its finally block runs
"""

import select

from kata.runner import load_reference

load_reference("17_green_server", globals())  # everything as in the reference solution, except:


def run(self):
    self._loop = greenlet.getcurrent()
    while not self._stopping:
        while self._ready and not self._stopping:
            child = self._ready.popleft()
            child.parent = self._loop
            child.switch()
        if self._stopping or not (self._readers or self._writers):
            break
        readable, writable, _ = select.select(list(self._readers), list(self._writers), [])
        for sock in readable:
            self._ready.append(self._readers[sock])
        for sock in writable:
            self._ready.append(self._writers[sock])
    self._loop = None
    self._stopping = False


Hub.run = run
