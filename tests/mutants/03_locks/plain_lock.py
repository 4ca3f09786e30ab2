"""threading.Lock where deposit_all, holding it, calls deposit, which takes it again: the
thread waits for itself forever. It must fail fast and name re-entrancy.

Caught by: test_deposit_all_can_call_deposit_while_holding_the_lock
Says: re-entrant
"""

from kata.runner import load_reference

load_reference("03_locks", globals())  # everything as in the reference solution, except:


def __init__(self, ledger):
    self._ledger = ledger
    self._lock = threading.Lock()


Account.__init__ = __init__
