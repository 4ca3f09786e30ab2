"""The reference account, but each one starts a non-daemon thread that waits for ever."""
import threading

from kata.manifest import SOLUTIONS_DIR

exec((SOLUTIONS_DIR / "03_locks" / "bank.py").read_text())  # the reference behaviour

_never = threading.Event()
_reference_init = Account.__init__


def _init(self, ledger):
    _reference_init(self, ledger)
    threading.Thread(target=_never.wait, name="waits-for-ever").start()


Account.__init__ = _init
