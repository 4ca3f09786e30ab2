"""The reference account, but each one starts a short thread under a profiler that asks
threading.current_thread() on every event. On the thread's very last event threading has
already forgotten it, so the call makes a _DummyThread, which says it is alive for ever
(3.11) and cannot be joined. The harness's leak check must not trip over it (it once
failed the test with "cannot join a dummy thread"). The tests themselves pass."""
import sys
import threading

from kata.runner import load_reference

load_reference("03_locks", globals())  # the reference behaviour


def _profile(frame, event, arg):
    threading.current_thread()


def _work():
    sys.setprofile(_profile)


def _init(self, ledger, _reference_init=Account.__init__):
    _reference_init(self, ledger)
    thread = threading.Thread(target=_work)
    thread.start()
    thread.join()


Account.__init__ = _init
