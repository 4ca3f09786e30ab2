"""The reference account, but each one opens a process Pool and a shared-memory segment
and never closes, joins or unlinks either. Killing a Pool's workers is not enough (its
handler thread starts new ones): the harness must shut the Pool itself down."""
import multiprocessing
from multiprocessing import shared_memory

from kata.runner import load_reference

load_reference("03_locks", globals())  # the reference behaviour

_reference_init = Account.__init__


def _init(self, ledger):
    _reference_init(self, ledger)
    self._pool = multiprocessing.Pool(2)
    self._segment = shared_memory.SharedMemory(create=True, size=4096)


Account.__init__ = _init
