"""The reference account, but each one opens a listening socket, keeps it in a module-level
list and never closes it. The harness must close it after the test and say where it was
opened. (A socket nothing refers to any more is closed by the garbage collector.)"""
import socket

from kata.runner import load_reference

load_reference("03_locks", globals())  # the reference behaviour

_listeners = []

_reference_init = Account.__init__


def _init(self, ledger):
    _reference_init(self, ledger)
    _listeners.append(socket.create_server(("127.0.0.1", 0)))


Account.__init__ = _init
