# The kata harness lives in kata/plugin.py; this file only loads it, so that it applies to
# exercises/, tests/ and any tree the harness is pointed at.
pytest_plugins = ["kata.plugin"]
