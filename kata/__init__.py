"""The concurrency kata's harness: what the exercise tests import.

``implementation(name)`` stands for the module under test (the stub, the reference
solution or a submission, as --kata-target says); ``finishes_within`` runs a call that
might deadlock and fails fast, with a report, when it does; ``Call`` runs one in a thread
while the test watches.

The names are imported on first use, not here: a spawned or forkserver child that only
needs kata.probes.<module> would otherwise import all of pytest (a quarter of a second
per child, seconds on a loaded machine).
"""

import importlib

_WHERE = {
    "implementation": "kata.target",
    "finishes_within": "kata.waiting",
    "run_together": "kata.waiting",
    "Call": "kata.waiting",
}

__all__ = list(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'kata' has no attribute {name!r}")
