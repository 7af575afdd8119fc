"""Fixtures shared by the operator-screen tests of questionnaires."""

import pytest

from conftest import PASSWORD


@pytest.fixture
def operator(client, olivia):
    """The test client, logged in as the operator's olivia."""
    assert client.login(email=olivia.email, password=PASSWORD)
    return client


@pytest.fixture
def crisis(crisis_version):
    return crisis_version
