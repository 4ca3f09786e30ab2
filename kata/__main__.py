"""`python -m kata`: the learner's and the dojo's commands (see kata/cli/)."""

from kata.cli import main

raise SystemExit(main())
