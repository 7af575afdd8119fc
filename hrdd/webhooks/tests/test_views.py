"""The owners' page: register (the secret shown once), the log, on/off, new secret,
delete, the test event; owners only, like the API keys page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrdd.organisations.models import Membership
from hrdd.testing import world
from hrdd.testing.webhooks import verify_standard_webhooks
from hrdd.webhooks import services
from hrdd.webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def page_url(org):
    return reverse("webhooks:endpoints", args=[org.pk])


def register(client, org, **data):
    form = {"url": "https://93.184.215.14/hook", "description": "BI", "events": ["cap.overdue"]}
    return client.post(page_url(org), {**form, **data})


@pytest.fixture
def endpoint(org_a, alice, receiver):
    return services.endpoint_create(
        organisation=org_a, url=receiver.url, description="", events=["cap.overdue"], by=alice
    )[0]


def test_an_owner_registers_an_endpoint_and_sees_its_secret_once(client, org_a, alice):
    world.login(client, alice)
    page = register(client, org_a, events=["cap.overdue", "report.released"])
    assert page.status_code == 200
    secret = re.search(r'id="new-secret">([^<]+)<', page.content.decode()).group(1)
    endpoint = WebhookEndpoint.objects.get()
    assert secret.startswith("whsec_") and endpoint.secret == secret
    assert endpoint.events == ["cap.overdue", "report.released"]
    assert endpoint.created_by == alice and endpoint.active
    again = client.get(page_url(org_a)).content.decode()
    assert endpoint.url in again and secret not in again
    assert "A corrective action plan or one of its actions is overdue" in again


def test_the_form_names_what_is_wrong(client, org_a, alice, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    world.login(client, alice)
    page = register(client, org_a, url="not a url", events=[])
    assert page.status_code == 400
    assert {"url", "events"} <= set(page.context["form"].errors)
    page = register(client, org_a, url="https://127.0.0.1/hook")
    assert page.status_code == 400
    assert "private or reserved" in page.context["form"].errors["url"][0]
    page = register(client, org_a, events=["webhook.test"])
    assert "events" in page.context["form"].errors
    assert not WebhookEndpoint.objects.exists()


def test_the_endpoint_limit_is_said_above_the_form(client, org_a, alice):
    for number in range(services.MAX_ENDPOINTS):
        services.endpoint_create(
            organisation=org_a,
            url=f"https://93.184.215.14/hook/{number}",
            description="",
            events=["cap.overdue"],
            by=alice,
        )
    world.login(client, alice)
    page = register(client, org_a)
    assert page.status_code == 400
    assert "at most 20 endpoints" in page.context["form"].non_field_errors()[0]
    assert WebhookEndpoint.objects.count() == services.MAX_ENDPOINTS


def test_the_test_button_delivers_a_signed_test_event(
    client, org_a, alice, endpoint, receiver, django_capture_on_commit_callbacks
):
    world.login(client, alice)
    with django_capture_on_commit_callbacks(execute=True):
        got = client.post(reverse("webhooks:endpoint_test", args=[org_a.pk, endpoint.pk]))
    assert got.status_code == 302
    world.run_tasks()  # the real task worker runs the delivery task the button queued
    [request] = receiver.requests
    assert verify_standard_webhooks(endpoint.secret, request["headers"], request["body"])
    assert receiver.payloads()[0]["type"] == "webhook.test"
    row = WebhookDelivery.objects.get()
    assert row.status == WebhookDelivery.Status.SENT
    log = client.get(page_url(org_a)).content.decode()
    assert "webhook.test" in log and "Sent" in log and "204" in log


def test_off_on_new_secret_and_delete(client, org_a, alice, endpoint):
    world.login(client, alice)
    args = [org_a.pk, endpoint.pk]
    client.post(reverse("webhooks:endpoint_disable", args=args))
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_reason == "owner"
    assert "Turned off by an owner" in client.get(page_url(org_a)).content.decode()
    client.post(reverse("webhooks:endpoint_enable", args=args))
    endpoint.refresh_from_db()
    assert endpoint.active and not endpoint.disabled_reason
    old = endpoint.secret
    page = client.post(reverse("webhooks:endpoint_rotate", args=args)).content.decode()
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in page
    client.post(reverse("webhooks:endpoint_delete", args=args))
    assert not WebhookEndpoint.objects.exists()


def test_the_page_lists_with_a_fixed_number_of_queries(client, org_a, alice, receiver):
    world.login(client, alice)

    def queries_with(endpoints: int) -> int:
        while WebhookEndpoint.objects.count() < endpoints:
            made = services.endpoint_create(
                organisation=org_a,
                url=receiver.url,
                description="",
                events=["cap.overdue"],
                by=alice,
            )[0]
            services.endpoint_test_send(endpoint=made, by=alice)
            services.endpoint_test_send(endpoint=made, by=alice)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page_url(org_a)).status_code == 200
        return len(queries)

    assert queries_with(1) == queries_with(4)


@pytest.mark.parametrize("role", [Membership.Role.ADMIN, Membership.Role.VIEWER])
def test_members_who_are_not_owners_get_403(client, org_a, endpoint, role):
    user = world.member(org_a, f"{role}@northwind.example", role)
    world.login(client, user)
    assert client.get(page_url(org_a)).status_code == 403
    assert register(client, org_a).status_code == 403
    for name in ("endpoint_test", "endpoint_rotate", "endpoint_disable", "endpoint_delete"):
        got = client.post(reverse(f"webhooks:{name}", args=[org_a.pk, endpoint.pk]))
        assert got.status_code == 403
    assert WebhookEndpoint.objects.filter(active=True).count() == 1
    assert not WebhookDelivery.objects.exists()


def test_another_buyers_owner_gets_404_and_anonymous_goes_to_log_in(
    client, org_a, endpoint, carol, org_b
):
    """The API keys page's rule (and the isolation test's): outsiders are not told the
    organisation exists."""
    rotate = reverse("webhooks:endpoint_rotate", args=[org_a.pk, endpoint.pk])
    assert client.get(page_url(org_a)).status_code == 302
    assert client.post(rotate).status_code == 302
    world.login(client, carol)
    assert client.get(page_url(org_a)).status_code == 404
    assert client.post(rotate).status_code == 404
    # Nor through her own organisation's URL.
    own = reverse("webhooks:endpoint_rotate", args=[org_b.pk, endpoint.pk])
    assert client.post(own).status_code == 404
    assert WebhookEndpoint.objects.get().secret == endpoint.secret


def test_the_api_keys_page_links_here(client, org_a, alice):
    world.login(client, alice)
    page = client.get(reverse("api:tokens", args=[org_a.pk])).content.decode()
    assert page_url(org_a) in page
