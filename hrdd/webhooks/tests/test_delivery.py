"""The worker against a real local HTTP server: signed, retried, given up, recovered after a
crash with the same id, endpoints turned off after failures in a row."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from hrdd.testing.webhooks import verify_standard_webhooks
from hrdd.webhooks import delivery, services
from hrdd.webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status


@pytest.fixture
def endpoint(receiver, org_a, alice):
    made, _secret = services.endpoint_create(
        organisation=org_a,
        url=receiver.url,
        description="Dashboard",
        events=["report.released", "campaign.closed"],
        by=alice,
    )
    return made


def emit(org, event_type="report.released", **data):
    return services.event_emit(
        organisation_id=org.pk, event_type=event_type, data={"campaign": {"id": 1}, **data}
    )


def run(scheduled=None):
    return delivery.webhooks_deliver(schedule=(scheduled if scheduled is not None else []).append)


def test_a_delivery_arrives_signed_and_is_recorded_sent(receiver, endpoint, org_a):
    assert emit(org_a) == 1
    assert run() == {Status.SENT: 1}
    [request] = receiver.requests
    assert verify_standard_webhooks(endpoint.secret, request["headers"], request["body"])
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["path"] == "/hooks/"
    payload = json.loads(request["body"])
    assert payload["type"] == "report.released" and payload["data"] == {"campaign": {"id": 1}}
    row = WebhookDelivery.objects.get()
    assert row.message_id == request["headers"]["webhook-id"]
    assert (row.status, row.attempts, row.last_status_code) == (Status.SENT, 1, 204)
    assert run() == {}  # nothing sent twice


def test_failures_are_retried_on_schedule_then_given_up(receiver, endpoint, org_a):
    receiver.default = 500
    receiver.reply_body = b"x" * 5000
    emit(org_a)
    start = timezone.now()
    scheduled = []
    with time_machine.travel(start, tick=False) as clock:
        for attempt, delay in enumerate(delivery.RETRY_DELAYS, start=1):
            assert run(scheduled) == {Status.FAILED: 1}
            row = WebhookDelivery.objects.get()
            assert (row.status, row.attempts, row.last_status_code) == (Status.FAILED, attempt, 500)
            assert row.next_attempt_at == timezone.now() + delay
            assert scheduled[-1] == row.next_attempt_at  # a run is scheduled for the retry
            assert len(row.last_error) <= 300  # the reply is cut short, not stored whole
            assert run() == {}  # not due yet
            clock.move_to(row.next_attempt_at)
        assert run(scheduled) == {Status.GIVEN_UP: 1}
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.next_attempt_at) == (Status.GIVEN_UP, 6, None)
    assert len(receiver.requests) == 6
    # Every attempt carried the same id; the receiver can tell a repeat.
    assert {r["headers"]["webhook-id"] for r in receiver.requests} == {row.message_id}


def test_success_after_a_failure_resets_the_count(receiver, endpoint, org_a):
    receiver.answers = [503]
    emit(org_a)
    run()
    assert WebhookEndpoint.objects.get().consecutive_failures == 1
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert run() == {Status.SENT: 1}
    assert WebhookEndpoint.objects.get().consecutive_failures == 0


def test_redirects_are_not_followed(receiver, endpoint, org_a):
    receiver.default = 302
    emit(org_a)
    assert run() == {Status.FAILED: 1}
    assert [r["path"] for r in receiver.requests] == ["/hooks/"]
    assert WebhookDelivery.objects.get().last_status_code == 302


def test_an_endpoint_is_turned_off_after_ten_failures_in_a_row(receiver, endpoint, org_a):
    receiver.default = 500
    for number in range(10):
        emit(org_a, number=number)
    emit(org_a, event_type="campaign.closed")
    assert run() == {Status.FAILED: 10}
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_at is not None
    assert endpoint.disabled_reason == WebhookEndpoint.DisabledReason.FAILURES
    assert len(receiver.requests) == 10  # the eleventh was not tried
    assert not WebhookDelivery.objects.filter(status__in=delivery.WAITING).exists()
    # Nothing more is queued for it, and it is not called again.
    assert emit(org_a) == 0
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert run() == {}
    # An owner turns it back on: new events go out again.
    receiver.default = 200
    services.endpoint_enable(endpoint=endpoint, by=None)
    assert emit(org_a) == 1 and run() == {Status.SENT: 1}


def test_a_delivery_left_sending_by_a_crashed_worker_goes_again_with_the_same_id(
    receiver, endpoint, org_a, settings
):
    emit(org_a)
    token, [claimed] = delivery.deliveries_claim(limit=10)  # the worker dies here
    assert WebhookDelivery.objects.get().status == Status.SENDING
    assert run() == {}  # held by the dead worker until the claim times out
    later = timezone.now() + timedelta(seconds=settings.WEBHOOKS_CLAIM_TIMEOUT + 1)
    with time_machine.travel(later, tick=False):
        assert run() == {Status.SENT: 1}
    [request] = receiver.requests
    assert request["headers"]["webhook-id"] == claimed.message_id
    assert WebhookDelivery.objects.get().status == Status.SENT


def test_two_workers_never_hold_the_same_delivery(receiver, endpoint, org_a):
    for number in range(3):
        emit(org_a, number=number)
    _token, first = delivery.deliveries_claim(limit=2)
    _token, second = delivery.deliveries_claim(limit=10)
    assert len(first) == 2 and len(second) == 1
    assert not {d.pk for d in first} & {d.pk for d in second}
    assert delivery.deliveries_claim(limit=10)[1] == []


def test_the_watchdog_run_is_scheduled_with_the_claim(receiver, endpoint, org_a, settings):
    emit(org_a)
    scheduled = []
    run(scheduled)
    assert scheduled and scheduled[0] > timezone.now() + timedelta(
        seconds=settings.WEBHOOKS_CLAIM_TIMEOUT
    )


def test_nothing_for_endpoints_off_or_not_subscribed_or_of_another_buyer(
    receiver, endpoint, org_a, org_b
):
    assert emit(org_a, event_type="cap.overdue") == 0  # not subscribed
    assert emit(org_b) == 0  # another buyer's event
    services.endpoint_disable(endpoint=endpoint, by=None)
    assert emit(org_a) == 0
    assert run() == {} and not receiver.requests
    assert not WebhookDelivery.objects.exists()


def test_the_same_event_emitted_twice_is_one_delivery(receiver, endpoint, org_a):
    for _ in range(2):
        services.event_emit(
            organisation_id=org_a.pk,
            event_type="campaign.closed",
            data={"campaign": {"id": 7}},
            key="campaign.closed:7:2026-12-01",
        )
    assert WebhookDelivery.objects.count() == 1


def test_data_that_looks_like_answers_or_text_is_refused(endpoint, org_a):
    for data in (
        {"answers": {"q1": "yes"}},
        {"case": {"text": "My boss"}},
        {"x": [{"supplier_name": "A"}]},
    ):
        with pytest.raises(ValueError):
            services.event_emit(organisation_id=org_a.pk, event_type="report.released", data=data)
    assert not WebhookDelivery.objects.exists()


def test_a_connection_refused_is_a_failure_with_its_reason(receiver, endpoint, org_a):
    receiver.close()
    emit(org_a)
    assert run() == {Status.FAILED: 1}
    row = WebhookDelivery.objects.get()
    assert row.last_status_code is None and "ConnectionRefused" in row.last_error
    assert endpoint.secret not in row.last_error


def test_the_command_sends_what_is_due(receiver, endpoint, org_a, capsys):
    emit(org_a)
    call_command("deliver_webhooks")
    assert "sent: 1" in capsys.readouterr().out
    assert len(receiver.requests) == 1
