import pytest

from hrdd.testing.webhooks import Receiver


@pytest.fixture
def receiver(settings):
    """A local endpoint (http on a loopback address, so private addresses are allowed)."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    running = Receiver()
    yield running
    running.close()
