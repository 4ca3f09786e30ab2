"""The reference account, but each one puts 200 KB on a multiprocessing Queue that nobody
reads, kept in a module-level list. At exit a Queue waits for its feeder thread to write
everything into its pipe, which never drains: the harness must keep that from hanging the
end of the run. The tests themselves pass."""
import multiprocessing

from kata.runner import load_reference

load_reference("03_locks", globals())  # the reference behaviour

_queues = []


def _init(self, ledger, _reference_init=Account.__init__):
    _reference_init(self, ledger)
    queue = multiprocessing.Queue()
    queue.put(b"x" * 200_000)  # more than a pipe holds
    _queues.append(queue)


Account.__init__ = _init
