"""Shared fixtures of the repository's self-test."""

import pytest


@pytest.fixture(scope="session")
def scratch(tmp_path_factory):
    """A folder for target trees the self-test lays out (mutants, broken modules)."""
    return tmp_path_factory.mktemp("targets")
