"""Every name exists and does nothing."""


class InsufficientFunds(ValueError):
    pass


class Account:
    def __init__(self, ledger):
        pass

    balance = property(lambda self: None)

    def deposit(self, amount):
        pass

    def withdraw(self, amount):
        pass

    def deposit_all(self, amounts):
        pass
