"""The reference account, with a breakpoint() where a learner would put one: in
Account.__init__ (the test's own thread), or in the first deposit made from a helper
thread (KATA_BREAK_IN=thread). The self-test types a long pause at the pdb prompt, then
`c`: no time limit may fire while the learner is at the prompt, and the tests pass."""
import os
import threading

from kata.runner import load_reference

load_reference("03_locks", globals())  # the reference behaviour

_stopped = []
_reference_init, _reference_deposit = Account.__init__, Account.deposit


def _stop_once() -> None:
    if not _stopped:
        _stopped.append(True)
        breakpoint()


def _init(self, ledger):
    if os.environ.get("KATA_BREAK_IN") != "thread":
        _stop_once()
    _reference_init(self, ledger)


def _deposit(self, amount):
    if os.environ.get("KATA_BREAK_IN") == "thread" and threading.current_thread() is not threading.main_thread():
        _stop_once()
    return _reference_deposit(self, amount)


Account.__init__, Account.deposit = _init, _deposit
