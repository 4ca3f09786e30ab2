"""withdraw refuses when the amount is equal to the balance ('amount >= balance'): an
off-by-one at the limit, so nobody can ever empty an account.

Source: the off-by-one lesson of Horstmann's Big Java, chapter 7 slides, "Avoiding
Off-by-One Error" (http://horstmann.com/bigj2/slides/slides07.zip: "look at a scenario
with simple values ... must use <"); the task's ATM rule written as "if the amount
requested is less than the account balance, that amount should be withdrawn".
Caught by: test_withdrawing_too_much_raises_and_changes_nothing
Says: taking the whole balance
"""

from kata.runner import load_reference

load_reference("03_locks", globals())  # everything as in the reference solution, except:


def withdraw(self, amount):
    with self._lock:
        balance = self._ledger.read()
        if amount >= balance:
            raise InsufficientFunds(f"cannot withdraw {amount} from a balance of {balance}")
        self._ledger.write(balance - amount)
        return balance - amount


Account.withdraw = withdraw
