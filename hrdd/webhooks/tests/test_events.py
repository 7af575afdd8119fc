"""Each event comes from the service where it happens, carries what the pages show, and
never an answer, a supplier's name in a confidential campaign or a grievance's words."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from hrdd.grievances.models import Case
from hrdd.grievances.services import case_state_set
from hrdd.remediation import services as remediation
from hrdd.remediation.reminders import due_dates_check
from hrdd.reports.services import report_release_if_due
from hrdd.testing import world
from hrdd.testing.grievances import grievance_case
from hrdd.webhooks import delivery, services
from hrdd.webhooks.models import SUBSCRIBABLE, WebhookDelivery

pytestmark = pytest.mark.django_db

# Answers with no value in common with what a payload legitimately holds (the campaign's
# mode is "confidential", so the privacy question takes another option here).
ANSWERS = {**world.VALID_ANSWERS, "q09_health_data_privacy": "no_access_rules"}
SUPPLIERS = ["Hanoi Garments", "Kansai Parts", "Dhaka Knits", "Lima Leather", "Cebu Toys", "Oslo"]


@pytest.fixture
def endpoint(org_a, alice, receiver):
    return services.endpoint_create(
        organisation=org_a,
        url=receiver.url,
        description="",
        events=[value for value, _label in SUBSCRIBABLE],
        by=alice,
    )[0]


def strings_in(value) -> set[str]:
    """Every key and string value of a JSON document, and every number, as text."""
    if isinstance(value, dict):
        return {str(k) for k in value} | set().union(*(strings_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(set(), *(strings_in(v) for v in value))
    return {str(value)}


def answer_values() -> set[str]:
    values = set()
    for answer in ANSWERS.values():
        values |= set(answer) if isinstance(answer, list) else {answer}
    return values | set(ANSWERS)  # question codes too


def test_a_confidential_release_sends_no_answer_and_no_supplier_name(
    endpoint, campaign_a, receiver, settings
):
    settings.PRIVACY_FIRST_RELEASE = len(SUPPLIERS)
    for name in SUPPLIERS:
        world.submit_response(campaign_a, ANSWERS, supplier_name=name, supplier_country="VN")
    release = report_release_if_due(campaign_id=campaign_a.pk)
    assert release is not None
    row = WebhookDelivery.objects.get(event_type="report.released")
    assert row.payload["data"]["campaign"] == {
        "id": campaign_a.pk,
        "name": campaign_a.name,
        "mode": "confidential",
    }
    assert row.payload["data"]["release"]["number"] == release.number
    assert row.payload["data"]["url"].endswith(f"/reports/campaigns/{campaign_a.pk}/summary/")
    # What actually went over the wire.
    assert delivery.webhooks_deliver(schedule=lambda at: None) == {"sent": 1}
    [request] = receiver.requests
    body = request["body"].decode()
    sent = strings_in(json.loads(body))
    assert not sent & answer_values()
    assert not any(name in body for name in SUPPLIERS)
    assert "Mr Sato" not in body and "VN" not in body
    # Released again (the same release, a task run twice): one delivery.
    assert report_release_if_due(campaign_id=campaign_a.pk) is None
    assert WebhookDelivery.objects.filter(event_type="report.released").count() == 1


def test_a_campaign_closing_is_sent_once_by_the_worker(
    endpoint, org_a, make_campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        campaign = make_campaign(org_a, days=2)  # schedules the close-date run
    with time_machine.travel(campaign.closes_at + timedelta(minutes=1), tick=False):
        world.run_tasks()
        world.run_tasks()
    row = WebhookDelivery.objects.get(event_type="campaign.closed")
    assert row.payload["data"]["campaign"]["id"] == campaign.pk
    assert row.payload["data"]["closed_at"] == campaign.closes_at.isoformat()


def test_an_overdue_plan_is_sent_with_ids_and_a_link(endpoint, org_a, alice):
    supplier = world.supplier(org_a, "Saigon Textiles")
    finding = world.finding_at(supplier, by=alice)
    cap, _token = world.cap_opened(finding, by=alice)
    noon = timezone.localtime().replace(hour=12) + timedelta(days=60)
    with time_machine.travel(noon, tick=False):
        assert due_dates_check()[1] == 1
    row = WebhookDelivery.objects.get(event_type="cap.overdue")
    assert row.payload["data"] == {
        "finding": {"id": finding.pk},
        "overdue": "plan",
        "due_on": cap.due_on.isoformat(),
        "url": row.payload["data"]["url"],
    }
    assert f"/remediation/{org_a.pk}/{finding.pk}/" in row.payload["data"]["url"]
    body = json.dumps(row.payload)
    assert "Saigon" not in body and "fire exit" not in body and "Blocked" not in body


def test_an_overdue_action_is_sent_too(endpoint, org_a, alice):
    cap, _token = world.cap_opened(world.finding_at(world.supplier(org_a, "Saigon")), by=alice)
    world.cap_proposed(cap, days=2)
    remediation.cap_accept(cap=cap, by=alice)
    noon = timezone.localtime().replace(hour=12) + timedelta(days=4)
    with time_machine.travel(noon, tick=False):
        assert due_dates_check()[1] == 2  # both actions
    rows = WebhookDelivery.objects.filter(event_type="cap.overdue")
    assert [row.payload["data"]["overdue"] for row in rows] == ["action", "action"]


def test_an_acknowledged_case_sends_ids_and_times_only(endpoint, org_a, alice):
    case, _attachment = grievance_case(org_a, world.member(org_a, "h@a.example", "owner"))
    case_state_set(case=case, state=Case.State.ACKNOWLEDGED, by=alice)
    case_state_set(case=case, state=Case.State.IN_PROGRESS, by=alice)  # no second event
    row = WebhookDelivery.objects.get(event_type="grievance.case_acknowledged")
    data = row.payload["data"]
    assert set(data) == {"case", "url"}
    assert data["case"] == {"id": case.pk, "acknowledged_at": data["case"]["acknowledged_at"]}
    assert "Wages" not in json.dumps(row.payload)
