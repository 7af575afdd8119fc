"""Only public https addresses may receive webhooks (server-side request forgery)."""

import pytest
from django.core.exceptions import ValidationError

from hrdd.webhooks import delivery, services, urlguard
from hrdd.webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://93.184.215.14/hook", "must start with https://"),
        ("ftp://93.184.215.14/hook", "must start with https://"),
        ("https://127.0.0.1/hook", "private or reserved"),
        ("https://localhost:8000/hook", "private or reserved"),
        ("https://10.1.2.3/hook", "private or reserved"),
        ("https://192.168.0.10/hook", "private or reserved"),
        ("https://169.254.169.254/latest/meta-data/", "private or reserved"),
        ("https://[::1]/hook", "private or reserved"),
        ("https://[::ffff:127.0.0.1]/hook", "private or reserved"),
        ("https://0.0.0.0/hook", "private or reserved"),
        ("https://user:pw@93.184.215.14/hook", "no user name or password"),
    ],
)
def test_refused_addresses_are_named_on_the_url_field(org_a, alice, url, says):
    with pytest.raises(ValidationError) as refused:
        services.endpoint_create(
            organisation=org_a, url=url, description="", events=["report.released"], by=alice
        )
    assert list(refused.value.message_dict) == ["url"]
    assert says in refused.value.message_dict["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_a_public_https_address_is_accepted(org_a, alice):
    assert urlguard.url_check("https://93.184.215.14/hook") == "93.184.215.14"
    endpoint, secret = services.endpoint_create(
        organisation=org_a,
        url="https://93.184.215.14/hook",
        description="",
        events=["report.released"],
        by=alice,
    )
    assert endpoint.secret == secret


def test_the_worker_checks_again_before_each_attempt(receiver, org_a, alice, settings):
    """An address accepted once (here: allowed in development) is refused when the rules
    say so at sending time: nothing reaches it."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    endpoint, _secret = services.endpoint_create(
        organisation=org_a, url=receiver.url, description="", events=["cap.overdue"], by=alice
    )
    services.event_emit(organisation_id=org_a.pk, event_type="cap.overdue", data={})
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    assert delivery.webhooks_deliver(schedule=lambda at: None) == {"failed": 1}
    row = WebhookDelivery.objects.get()
    assert "https://" in row.last_error and not receiver.requests
    assert endpoint.pk == row.endpoint_id
