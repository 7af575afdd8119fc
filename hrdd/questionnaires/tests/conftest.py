"""Fixtures shared by the operator-screen tests of questionnaires."""

import pytest

from hrdd.testing.world import login


@pytest.fixture
def operator(client, olivia):
    """The test client, logged in as the operator's olivia."""
    return login(client, olivia)


@pytest.fixture
def crisis(crisis_version):
    return crisis_version
