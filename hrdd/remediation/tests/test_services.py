"""The plan's state machine: each step from where it may start, clear refusals otherwise,
the buyer's timelines, every step on the timeline, and the confidential-campaign refusal."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hrdd.remediation import services
from hrdd.remediation.models import Action, CapToken, Finding, TimelineEntry
from hrdd.testing.world import (
    cap_opened,
    cap_proposed,
    crisis_campaign,
    finding_at,
    submit_disclosed,
    submit_response,
    supplier,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lan(org_a):
    return supplier(org_a, "Hanoi Garments", language="ja")


def events(finding):
    return list(finding.timeline.values_list("event", flat=True))


def test_the_whole_path_from_finding_to_close_is_on_the_timeline(lan, alice):
    finding = finding_at(lan, by=alice)
    cap, token = cap_opened(finding, by=alice)
    assert finding.status == Finding.Status.REQUESTED
    assert cap.language == "ja" and cap.email == lan.email
    assert CapToken.objects.get().token_hash != token  # only the hash is stored
    cap_proposed(cap)
    services.cap_request_changes(cap=cap, by=alice, note="Add a training action.")
    assert finding.status == Finding.Status.CHANGES
    cap_proposed(cap)
    services.cap_accept(cap=cap, by=alice)
    for action in cap.actions.all():
        services.action_complete(action=action, note="Done, see photo.")
    services.cap_verify(cap=cap, by=alice, method="visit", note="Seen on the follow-up visit.")
    services.finding_close(finding=finding, by=alice)
    finding.refresh_from_db()
    assert finding.status == Finding.Status.CLOSED
    assert finding.days_to_close == 0
    assert events(finding) == [
        "created", "cap_requested", "proposed", "changes", "proposed", "accepted",
        "action_done", "action_done", "verified", "closed",
    ]  # fmt: skip
    assert TimelineEntry.objects.filter(user=alice).count() == 6


def test_rba_timelines_by_default_and_the_buyers_own(lan, org_a):
    today = timezone.localdate()
    cap, _token = cap_opened(finding_at(lan))
    assert cap.due_on == today + timedelta(days=14)
    cap, _token = cap_opened(finding_at(lan, severity="priority"), token="C1")
    assert cap.due_on == today + timedelta(days=7)
    services.remediation_settings_update(
        organisation=org_a, cap_days=30, priority_days=3, reminder_days=5
    )
    cap, _token = cap_opened(finding_at(lan, severity="priority"), token="C2")
    assert cap.due_on == today + timedelta(days=3)
    with pytest.raises(ValidationError) as refused:
        services.remediation_settings_update(
            organisation=org_a, cap_days=0, priority_days=3, reminder_days=5
        )
    assert "cap_days" in refused.value.message_dict


def test_a_closed_finding_refuses_every_change(lan, alice):
    finding = finding_at(lan)
    cap, _token = cap_opened(finding)
    cap_proposed(cap)
    services.cap_accept(cap=cap, by=alice)
    for action in cap.actions.all():
        services.action_complete(action=action, note="Done")
    services.cap_verify(cap=cap, by=alice, method="desk")
    services.finding_close(finding=finding, by=alice)
    with pytest.raises(ValidationError, match="closed"):
        cap_proposed(cap)
    with pytest.raises(ValidationError, match="closed"):
        services.cap_accept(cap=cap, by=alice)
    with pytest.raises(ValidationError, match="closed"):
        services.cap_extension_request(
            cap=cap, until=timezone.localdate() + timedelta(days=40), reason="Holidays"
        )
    with pytest.raises(ValidationError, match="closed"):
        services.finding_close(finding=finding, by=alice)


def test_steps_out_of_order_are_refused_naming_the_current_step(lan, alice):
    finding = finding_at(lan)
    with pytest.raises(ValidationError, match="No CAP requested yet"):
        services.finding_close(finding=finding, by=alice)
    cap, _token = cap_opened(finding)
    with pytest.raises(ValidationError, match="Waiting for the supplier"):
        services.cap_accept(cap=cap, by=alice)
    cap_proposed(cap)
    with pytest.raises(ValidationError, match="proposed"):
        services.cap_verify(cap=cap, by=alice, method="desk")
    services.cap_accept(cap=cap, by=alice)
    with pytest.raises(ValidationError, match="Every action must be reported done"):
        services.cap_verify(cap=cap, by=alice, method="desk")
    assert finding.status == Finding.Status.ACCEPTED


def test_a_due_date_in_the_past_names_the_row_and_field(lan):
    cap, _token = cap_opened(finding_at(lan))
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.cap_propose(
            cap=cap,
            root_cause="Cause",
            actions=[
                {"kind": "corrective", "description": "A", "owner": "B",
                 "due_on": timezone.localdate()},
                {"kind": "preventive", "description": "C", "owner": "D", "due_on": yesterday},
            ],
        )  # fmt: skip
    assert "action-2-due_on" in refused.value.message_dict
    assert "in the past" in refused.value.message_dict["action-2-due_on"][0]
    assert not Action.objects.exists()
    assert cap.finding.status == Finding.Status.REQUESTED


def test_more_time_granted_moves_the_due_dates(lan, alice):
    cap, _token = cap_opened(finding_at(lan))
    later = cap.due_on + timedelta(days=10)
    with pytest.raises(ValidationError) as refused:
        services.cap_extension_request(cap=cap, until=later, reason=" ")
    assert "reason" in refused.value.message_dict
    services.cap_extension_request(cap=cap, until=later, reason="Auditor on leave")
    services.cap_extension_decide(cap=cap, by=alice, grant=True)
    cap.refresh_from_db()
    assert cap.due_on == later and cap.extension_until is None
    cap_proposed(cap, days=5)
    services.cap_accept(cap=cap, by=alice)
    services.cap_extension_request(cap=cap, until=later, reason="Parts late")
    services.cap_extension_decide(cap=cap, by=alice, grant=False)
    assert set(cap.actions.values_list("due_on", flat=True)) == {
        timezone.localdate() + timedelta(days=5)
    }
    assert "extension_declined" in events(cap.finding)


def test_a_hostile_buyer_cannot_make_a_named_finding_from_a_confidential_campaign(
    org_a, lan, alice
):
    """Alice tries the service directly with a response of her own confidential campaign:
    refused, with the reason, and nothing is stored."""
    confidential = crisis_campaign(org_a)
    response = submit_response(confidential)
    with pytest.raises(ValidationError) as refused:
        finding_at(lan, by=alice, source="assessment", response=response)
    assert "confidential" in refused.value.message_dict["response"][0]
    assert not Finding.objects.exists()


def test_a_finding_from_a_disclosed_consented_answer(disclosed, lan, alice, org_b):
    response = submit_disclosed(disclosed, "Hanoi Garments")
    finding = finding_at(lan, by=alice, source="assessment", response=response)
    assert finding.response == response
    # Another buyer's disclosed response is not this buyer's to use.
    with pytest.raises(ValidationError, match="confidential"):
        finding_at(supplier(org_b, "Osaka Foods"), source="assessment", response=response)


def test_a_finding_must_be_about_a_supplier_of_the_buyer(lan, org_b):
    with pytest.raises(ValidationError) as refused:
        services.finding_create(
            organisation=org_b,
            supplier=lan,
            source="visit",
            topic="health_safety",
            severity="minor",
            title="x",
            evidence="y",
            observed_on=timezone.localdate(),
            by=None,
        )
    assert "supplier" in refused.value.message_dict
