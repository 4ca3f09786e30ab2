"""The reference account, but each one starts two child processes it never waits for:
a plain subprocess and a non-daemon multiprocessing.Process, both waiting for ever."""
import multiprocessing
import signal
import subprocess
import sys

from kata.runner import load_reference

load_reference("03_locks", globals())  # the reference behaviour

MARKER = "kata-harness-test-leaked-child"
_reference_init = Account.__init__


def wait_for_ever(marker):
    signal.pause()


def _init(self, ledger):
    _reference_init(self, ledger)
    subprocess.Popen([sys.executable, "-c", "import signal; signal.pause()", MARKER])
    multiprocessing.Process(target=wait_for_ever, args=(MARKER,), name=MARKER).start()


Account.__init__ = _init
