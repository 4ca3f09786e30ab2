"""Three modules that have an exercise's API and do no work, made from its stub.

No test may pass against any of them: a test that does has checked nothing the learner
wrote (a vacuous test), and in grading it is points for no work.

- ``do_nothing``: every function and method returns None; classes and exceptions keep
  their names and bases, so ``pytest.raises(module.SomeError)`` still works.
- ``equal_to_everything``: every function and method returns an object that equals
  anything, is true, is every number at once, calls and indexes to itself and enters as a
  context manager: a test that only compares with ``==`` passes against it.
- ``magic_mock``: the module is a ``unittest.mock.MagicMock``; every name and every call
  on it returns another mock.

The self-test (tests/test_exercises.py) writes each of them for every exercise and runs
the exercise's tests against it.
"""

from __future__ import annotations

import ast
from pathlib import Path

KINDS = ("do_nothing", "equal_to_everything", "magic_mock")

_ANYTHING = '''

class _Anything:
    """Equal to everything, and answers every question about itself with itself."""

    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    __le__ = __gt__ = __ge__ = __lt__
    def __hash__(self): return 0
    def __bool__(self): return True
    def __len__(self): return 0
    def __iter__(self): return iter(())
    def __contains__(self, item): return True
    def __index__(self): return 0
    def __int__(self): return 0
    def __float__(self): return 0.0
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self
    def __call__(self, *args, **kwargs): return self
    def __getitem__(self, key): return self
    def __enter__(self): return self
    def __exit__(self, *exc): return False
    def __repr__(self): return "<equal to everything>"


_ANYTHING = _Anything()
'''


def _hollow(stub_source: str, body: str) -> str:
    """The stub with every function's body replaced by ``body`` (its docstring kept)."""
    tree = ast.parse(stub_source)
    replacement = ast.parse(body).body
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = node.body[:1] if ast.get_docstring(node) is not None else []
            node.body = doc + [*replacement]
    return ast.unparse(tree)


def source(kind: str, stub: Path) -> str:
    """The text of one API-free module of ``kind`` for the exercise whose stub is ``stub``."""
    if kind == "do_nothing":
        return "# Every name exists and does nothing.\n" + _hollow(stub.read_text(), "return None")
    if kind == "equal_to_everything":
        return ("# Every name exists; every call returns an object equal to everything.\n"
                + _hollow(stub.read_text(), "return _ANYTHING") + _ANYTHING)
    if kind == "magic_mock":
        return ("# The module is a MagicMock: every name and every call is another mock.\n"
                "import sys\nfrom unittest import mock\n\nsys.modules[__name__] = mock.MagicMock()\n")
    raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
