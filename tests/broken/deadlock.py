"""deposit takes the account's plain Lock twice: every call waits for itself forever."""
import threading


class InsufficientFunds(ValueError):
    pass


class Account:
    def __init__(self, ledger):
        self._ledger = ledger
        self._lock = threading.Lock()

    @property
    def balance(self):
        return self._ledger.read()

    def deposit(self, amount):
        with self._lock:
            with self._lock:
                self._ledger.write(self._ledger.read() + amount)

    withdraw = deposit_all = deposit
