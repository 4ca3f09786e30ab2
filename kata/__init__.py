"""The concurrency kata's harness: what the exercise tests import.

``implementation(name)`` stands for the module under test (the stub, the reference
solution or a submission, as --kata-target says); ``finishes_within`` runs a call that
might deadlock and fails fast, with a report, when it does.
"""

from kata.target import implementation
from kata.waiting import finishes_within, run_together

__all__ = ["implementation", "finishes_within", "run_together"]
