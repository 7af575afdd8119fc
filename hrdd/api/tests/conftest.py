import pytest
from rest_framework.test import APIClient

from hrdd.testing import world


@pytest.fixture
def api():
    """An API client for a key: api(secret) or api(None) for no key at all."""

    def make(secret: str | None) -> APIClient:
        client = APIClient()
        if secret:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client

    return make


@pytest.fixture
def key_a(org_a, alice):
    return world.api_key(org_a, by=alice)


@pytest.fixture
def key_b(org_b, carol):
    return world.api_key(org_b, by=carol)
