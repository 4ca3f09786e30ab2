"""``python -m benchmarks``: every measured claim of the lessons, in one run.

    python -m benchmarks [--quick] [--repeat N] [--only NAME ...] [--json PATH]

Rows (names for --only): cpu, io, startup, handoff, echo, multiplex, feedback. What each
measures and how to read it: benchmarks/README.md.
"""

import sys

if __name__ == "__main__":
    # Imported here, not at the top: child processes started by spawn or forkserver run this
    # file as __mp_main__ and should import nothing more than their task needs.
    from benchmarks.suite import main

    sys.exit(main())
