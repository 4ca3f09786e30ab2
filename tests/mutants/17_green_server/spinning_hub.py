"""The hub polls: select with timeout 0 in a loop, so an idle server burns a whole core.

Caught by: test_an_idle_server_sleeps_in_select
Says: it is spinning
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
            readable, writable, _ = select.select(list(self._readers), list(self._writers), [], 0)
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
        self._stopping = False


Hub.run = run
