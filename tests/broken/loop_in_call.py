"""Every method spins for ever in the calling thread."""


class InsufficientFunds(ValueError):
    pass


class Account:
    def __init__(self, ledger):
        while True:
            pass
