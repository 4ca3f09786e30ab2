"""An account that cannot be opened, and leaves behind objects whose __del__ raises
(as a SharedMemory closed while a view of its buffer is alive does: BufferError). On
CPython 3.11, the collector freeing them while pytest parses source to show the failure
once ended the whole run in INTERNALERROR ("AST constructor recursion depth mismatch");
the harness must report each failure, and the cleanup errors, plainly."""
import gc

from kata.runner import load_reference

load_reference("03_locks", globals())  # the names; the account below never opens


class _ExportedBuffer:
    def __init__(self):
        self.me = self  # a cycle: only the cyclic collector frees it

    def __del__(self):
        raise BufferError("cannot close exported pointers exist")


def _init(self, ledger):
    gc.set_threshold(1000)  # the collector runs while pytest is busy formatting
    for _ in range(1000):
        _ExportedBuffer()
    raise RuntimeError("this account cannot be opened")


Account.__init__ = _init
