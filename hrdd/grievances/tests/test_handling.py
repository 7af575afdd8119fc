"""Case handling by the EU Whistleblowing Directive's timers: assignment, reminders before
each deadline, escalation after it, feedback recorded; all in the case's history."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from hrdd.grievances import reminders, services
from hrdd.grievances.models import Case, CaseEvent, Message
from hrdd.notifications.models import OutboundEmail
from hrdd.organisations.models import Membership
from hrdd.testing import world
from hrdd.testing.grievances import (
    PASSPHRASE,
    SECRET_STORY,
    channel,
    handler_with_key,
    send,
    unlock,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel_a(org_a, alice):
    return channel(org_a, alice)


def mails(template="grievance_due"):
    return list(OutboundEmail.objects.filter(template=template).order_by("pk"))


def data_key(case, user):
    private = services.handler_key_unlock(key=user.grievance_key, passphrase=PASSPHRASE)
    return services.case_data_key(case=case, user=user, private_key=private)


def test_acknowledge_reminder_then_escalation_each_once(client, org_a, alice, channel_a):
    admin = world.member(org_a, "dan@a.example", Membership.Role.ADMIN)
    handler_with_key(admin)
    send(client, channel_a)
    case = Case.objects.get()
    assert reminders.cases_check(now=case.received_at + timedelta(days=4)) == (0, 0)
    assert reminders.cases_check(now=case.received_at + timedelta(days=5, hours=1)) == (1, 0)
    assert {m.to for m in mails()} == {alice.email, admin.email}  # nobody assigned: all
    assert reminders.cases_check(now=case.received_at + timedelta(days=6)) == (0, 0)
    assert reminders.cases_check(now=case.received_at + timedelta(days=8)) == (0, 1)
    escalation = mails()[-1]
    assert "Overdue: acknowledge grievance case" in escalation.subject
    assert reminders.cases_check(now=case.received_at + timedelta(days=9)) == (0, 0)
    for mail in mails():
        assert SECRET_STORY not in mail.body_text + mail.body_html + mail.subject
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [CaseEvent.Kind.REMINDED, CaseEvent.Kind.ESCALATED]


def test_escalation_goes_to_the_owners_and_the_assignee_only(client, org_a, alice, channel_a):
    admin = world.member(org_a, "dan@a.example", Membership.Role.ADMIN)
    handler_with_key(admin)
    send(client, channel_a)
    case = Case.objects.get()
    services.case_assign(case=case, assignee=admin, by=alice)
    reminders.cases_check(now=case.received_at + timedelta(days=6))
    assert [m.to for m in mails()] == [admin.email]  # the reminder: the assignee
    reminders.cases_check(now=case.received_at + timedelta(days=8))
    assert {m.to for m in mails()[1:]} == {admin.email, alice.email}  # + the owner


def test_feedback_timer_after_acknowledgement_and_stopped_by_feedback(
    client, org_a, alice, channel_a
):
    send(client, channel_a)
    case = Case.objects.get()
    key = data_key(case, alice)
    services.case_message_add(
        case=case, data_key=key, kind=Message.Kind.HANDLER, body="Received.", by=alice
    )
    case.refresh_from_db()
    assert case.acknowledged_at and case.feedback_at is None
    assert reminders.cases_check(now=case.received_at + timedelta(days=80)) == (1, 0)
    assert "Reminder: feedback on grievance case" in mails()[-1].subject
    services.case_message_add(
        case=case, data_key=key, kind=Message.Kind.HANDLER, body="We visited.", by=alice
    )
    case.refresh_from_db()
    assert case.feedback_at is not None
    assert reminders.cases_check(now=case.received_at + timedelta(days=100)) == (0, 0)


def test_closed_cases_get_no_reminder(client, alice, channel_a):
    send(client, channel_a)
    case = Case.objects.get()
    services.case_state_set(case=case, state=Case.State.CLOSED, by=alice)
    assert reminders.cases_check(now=case.received_at + timedelta(days=200)) == (0, 0)


def test_the_daily_command_runs_the_check(client, channel_a, capsys):
    send(client, channel_a)
    call_command("grievance_check")
    assert "0 reminder(s), 0 escalation(s) queued; 0 case(s) deleted." in capsys.readouterr().out


def test_a_handler_assigns_the_case_and_it_is_in_the_history(client, org_a, alice, bob, channel_a):
    send(client, channel_a)
    case = Case.objects.get()
    unlock(client, org_a, alice)
    url = reverse("grievances:case", args=[org_a.pk, case.pk])
    client.post(url, {"action": "assign", "assignee": alice.pk})
    case.refresh_from_db()
    assert case.assigned_to == alice
    page = client.get(url).content.decode()
    assert "Assigned" in page and str(alice) in page
    # A viewer of the organisation is not a handler: refused, with a message.
    page = client.post(url, {"action": "assign", "assignee": bob.pk}).content.decode()
    assert "Assign the case to a handler of your organisation." in page
    case.refresh_from_db()
    assert case.assigned_to == alice


def test_state_changes_are_recorded_with_who(client, org_a, alice, channel_a):
    send(client, channel_a)
    case = Case.objects.get()
    unlock(client, org_a, alice)
    url = reverse("grievances:case", args=[org_a.pk, case.pk])
    client.post(url, {"action": "state", "state": "in_progress"})
    event = case.events.get(kind=CaseEvent.Kind.STATE)
    assert event.by == alice and event.detail == "In progress"


def site_channel(org_a, alice):
    from hrdd.suppliers.services import site_create, supplier_create

    supplier = supplier_create(
        organisation=org_a, name="Saigon Textiles", country="VN", email="boss@saigon.example"
    )
    return channel(org_a, alice, site=site_create(supplier=supplier, name="Mill", country="VN"))


def test_only_the_handlers_summary_is_forwarded_to_the_supplier(client, org_a, alice):
    made = site_channel(org_a, alice)
    send(client, made)
    case = Case.objects.get()
    handler = client.__class__()
    unlock(handler, org_a, alice)
    url = reverse("grievances:case", args=[org_a.pk, case.pk])
    summary = "Workers report that overtime on line work is not paid at the legal rate."
    page = handler.post(url, {"action": "forward", "body": summary}).content.decode()
    assert "Confirm that the summary holds nothing that could identify the worker." in page
    assert not mails("grievance_summary")
    handler.post(url, {"action": "forward", "body": summary, "confirm": "on"})
    [mail] = mails("grievance_summary")
    assert mail.to == "boss@saigon.example"
    assert summary in mail.body_text
    everything = mail.subject + mail.body_text + mail.body_html
    assert SECRET_STORY not in everything and "Line 3" not in everything
    event = case.events.get(kind=CaseEvent.Kind.FORWARDED)
    assert event.by == alice and event.detail == "Saigon Textiles"
    notes = handler.get(url).content.decode()
    assert "Summary sent to Saigon Textiles:" in notes


def test_no_forwarding_without_a_supplier_site(client, org_a, alice, channel_a):
    send(client, channel_a)
    case = Case.objects.get()
    unlock(client, org_a, alice)
    url = reverse("grievances:case", args=[org_a.pk, case.pk])
    assert "Forward a summary to the supplier" not in client.get(url).content.decode()
    page = client.post(url, {"action": "forward", "body": "x" * 40, "confirm": "on"})
    assert "names no supplier site" in page.content.decode()
    assert not mails("grievance_summary")


def test_a_case_becomes_a_finding_with_the_handlers_words_only(client, org_a, alice):
    from hrdd.remediation.models import Finding

    made = site_channel(org_a, alice)
    send(client, made)
    case = Case.objects.get()
    handler = client.__class__()
    unlock(handler, org_a, alice)
    url = reverse("grievances:case", args=[org_a.pk, case.pk])
    assert "Record a finding for a corrective action plan" in handler.get(url).content.decode()
    posted = {
        "action": "finding",
        "category": "migrant_recruitment",
        "severity": "major",
        "title": "Recruitment fees charged to workers",
        "body": "Several workers say they paid a recruitment fee to an agent before hiring.",
    }
    page = handler.post(url, posted).content.decode()
    assert "Confirm that the finding holds nothing that could identify the worker." in page
    assert "Recruitment fees charged to workers" in page  # what was typed is kept
    assert not Finding.objects.exists()
    page = handler.post(url, {**posted, "title": "", "confirm": "on"}).content.decode()
    assert "Enter a title." in page and not Finding.objects.exists()
    done = handler.post(url, {**posted, "confirm": "on"})
    finding = Finding.objects.get()
    assert done.url == reverse("remediation:detail", args=[org_a.pk, finding.pk])
    assert (finding.source, finding.topic, finding.severity) == (
        "grievance",
        "migrant_recruitment",
        "major",
    )
    assert finding.supplier.name == "Saigon Textiles" and finding.site == made.site
    assert finding.reference == f"Grievance case {case.pk}"
    # Only the handler's words: nothing of the worker's report, and not the day it came in.
    stored = " ".join([finding.title, finding.evidence, finding.reference])
    assert SECRET_STORY not in stored and "Line 3" not in stored
    assert finding.observed_on == timezone.localdate()
    history = handler.get(url).content.decode()
    assert case.events.get(kind=CaseEvent.Kind.FINDING).by == alice
    assert reverse("remediation:detail", args=[org_a.pk, finding.pk]) in history
    assert "Finding recorded for Saigon Textiles:" in history


def test_no_finding_from_a_channel_without_the_buyers_supplier(client, org_a, alice, channel_a):
    from hrdd.remediation.models import Finding

    send(client, channel_a)
    case = Case.objects.get()
    unlock(client, org_a, alice)
    url = reverse("grievances:case", args=[org_a.pk, case.pk])
    assert "Record a finding" not in client.get(url).content.decode()
    posted = {
        "action": "finding",
        "category": "forced_labour",
        "severity": "major",
        "title": "Anything",
        "body": "Anything at all",
        "confirm": "on",
    }
    assert "names no supplier site" in client.post(url, posted).content.decode()
    assert not Finding.objects.exists()
