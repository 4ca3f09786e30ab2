"""hub.stop() sets a flag that nothing clears: once stopped, the hub stays stopped, and a
later run() of the same hub returns at once without running the greenlets spawned for
it (they are unwound before they start).

Source: PEP 3156, on the event loop's stop(): "It is fine to restart the loop with
run() (or one of its variants) subsequently"
(https://www.python.org/pipermail/python-checkins/2012-December/118354.html)
Caught by: test_stop_unwinds_parked_greenlets_and_closes_every_socket
Says: A stop ends the run it was called in
"""

from kata.runner import load_reference

load_reference("17_green_server", globals())  # everything as in the reference solution, except:


def run(self):
    self._loop = greenlet.getcurrent()
    try:
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
    finally:
        for parked in [*self._ready, *self._readers.values(), *self._writers.values()]:
            if not parked.dead:
                parked.parent = self._loop
                parked.throw()
        self._ready.clear()
        self._loop = None
        # (and self._stopping stays True: every later run() returns at once)


Hub.run = run
