"""First on PYTHONPATH while KATA_SIMULATE is set (kata.simulation puts it there): every
interpreter the run starts removes the simulated system's missing facilities first.

Loaded by file path, not `import kata`: this runs before sys.path knows the checkout.
Then the interpreter's own sitecustomize, if there is one, runs as it would have.
"""

import importlib.util
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
if os.environ.get("KATA_SIMULATE"):
    _spec = importlib.util.spec_from_file_location("kata_simulation_site", os.path.join(os.path.dirname(_here), "__init__.py"))
    _simulation = importlib.util.module_from_spec(_spec)
    sys.modules["kata_simulation_site"] = _simulation
    _spec.loader.exec_module(_simulation)
    _simulation.apply(_simulation.requested())

_next = importlib.machinery.PathFinder.find_spec("sitecustomize", [p for p in sys.path if os.path.abspath(p or ".") != _here])
if _next is not None and _next.loader is not None:
    _next.loader.exec_module(importlib.util.module_from_spec(_next))
