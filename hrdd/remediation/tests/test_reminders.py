"""Reminders before due dates and escalation when overdue, through the outbox and the
real task worker; each once per due date."""

import io
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from hrdd.remediation import reminders, services
from hrdd.testing.world import (
    CAP_LINK,
    body,
    cap_opened,
    cap_proposed,
    deliver,
    finding_at,
    received_by,
    run_tasks,
    supplier,
)

pytestmark = pytest.mark.django_db


def at_noon(days: int) -> datetime:
    """Noon, `days` from today: past the day's scheduled runs (06:00) whatever the hour
    the suite runs at."""
    return timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=days), time(12))
    )


def test_a_reminder_before_the_due_date_and_the_owners_told_when_overdue(
    django_capture_on_commit_callbacks, smtp_running, org_a, alice
):
    lan = supplier(org_a, "Hanoi Garments", language="ja")
    cap, _token = cap_opened(finding_at(lan))
    cap_proposed(cap, days=10)
    deliver(django_capture_on_commit_callbacks, lambda: services.cap_accept(cap=cap, by=alice))
    before = len(received_by(smtp_running, lan.email))
    with time_machine.travel(at_noon(8)):
        deliver(django_capture_on_commit_callbacks, run_tasks)
        assert reminders.due_dates_check() == (0, 0)  # already sent, once
    reminded = received_by(smtp_running, lan.email)[before:]
    assert len(reminded) == 2  # one per action
    assert "期日" in reminded[0].message["Subject"] and CAP_LINK.search(body(reminded[0]))
    with time_machine.travel(at_noon(12)):
        deliver(django_capture_on_commit_callbacks, run_tasks)
        assert reminders.due_dates_check() == (0, 0)
    overdue = [
        m for m in received_by(smtp_running, alice.email) if "Overdue" in m.message["Subject"]
    ]
    assert len(overdue) == 2 and "Hanoi Garments" in overdue[0].message["Subject"]
    events = list(cap.finding.timeline.values_list("event", flat=True))
    assert events.count("reminded") == 2 and events.count("escalated") == 2


def test_the_daily_command_catches_a_lost_run_and_skips_done_actions(org_a, alice):
    lan = supplier(org_a, "Hanoi Garments")
    cap, _token = cap_opened(finding_at(lan))
    cap_proposed(cap, days=2)
    services.cap_accept(cap=cap, by=alice)  # its scheduled runs never happen here
    first, second = cap.actions.all()
    services.action_complete(action=first, note="Done")
    out = io.StringIO()
    call_command("remediation_check", stdout=out)
    assert "1 reminder(s) and 0 escalation(s)" in out.getvalue()
    with time_machine.travel(at_noon(3)):
        assert reminders.due_dates_check() == (0, 1)
        assert reminders.due_dates_check() == (0, 0)
    second.refresh_from_db()
    assert second.reminded_for == second.escalated_for == second.due_on


def test_a_plan_not_sent_is_reminded_before_its_due_date_and_escalated_after_it_once(
    django_capture_on_commit_callbacks, smtp_running, org_a, alice
):
    lan = supplier(org_a, "Hanoi Garments", language="ja")
    finding = finding_at(lan)
    cap, _token = deliver(django_capture_on_commit_callbacks, lambda: cap_opened(finding))
    assert cap.due_on == timezone.localdate() + timedelta(days=14)
    before = len(received_by(smtp_running, lan.email))
    with time_machine.travel(at_noon(12)):
        deliver(django_capture_on_commit_callbacks, run_tasks)
        assert reminders.due_dates_check() == (0, 0)  # already sent by the scheduled run
        deliver(django_capture_on_commit_callbacks, run_tasks)
    reminded = received_by(smtp_running, lan.email)[before:]
    assert len(reminded) == 1
    assert "期日" in reminded[0].message["Subject"] and CAP_LINK.search(body(reminded[0]))
    with time_machine.travel(at_noon(15)):
        deliver(django_capture_on_commit_callbacks, run_tasks)
        assert reminders.due_dates_check() == (0, 0)
        assert reminders.plan_escalate(cap_id=cap.pk, due_on=cap.due_on) is False
    overdue = [
        m for m in received_by(smtp_running, alice.email) if "Overdue" in m.message["Subject"]
    ]
    assert len(overdue) == 1 and "Hanoi Garments" in overdue[0].message["Subject"]
    events = list(finding.timeline.values_list("event", flat=True))
    assert events.count("plan_reminded") == 1 and events.count("plan_escalated") == 1


def test_a_plan_sent_in_time_is_neither_reminded_nor_escalated(
    django_capture_on_commit_callbacks, smtp_running, org_a, alice
):
    lan = supplier(org_a, "Hanoi Garments")
    cap, _token = deliver(django_capture_on_commit_callbacks, lambda: cap_opened(finding_at(lan)))
    cap_proposed(cap, days=30)
    with time_machine.travel(at_noon(20)):
        deliver(django_capture_on_commit_callbacks, run_tasks)
        assert reminders.due_dates_check() == (0, 0)
    events = list(cap.finding.timeline.values_list("event", flat=True))
    assert "plan_reminded" not in events and "plan_escalated" not in events
    assert not [
        m for m in received_by(smtp_running, alice.email) if "Overdue" in m.message["Subject"]
    ]


def test_the_daily_command_reminds_plans_when_the_scheduled_run_was_lost(org_a, alice):
    lan = supplier(org_a, "Hanoi Garments")
    cap, _token = cap_opened(finding_at(lan, severity="priority"))  # due in 7 days
    with time_machine.travel(at_noon(5)):
        out = io.StringIO()
        call_command("remediation_check", stdout=out)
        assert "1 reminder(s) and 0 escalation(s)" in out.getvalue()
        assert reminders.due_dates_check() == (0, 0)
    # More time granted: a new due date, reminded and escalated once again.
    services.cap_extension_request(
        cap=cap, until=timezone.localdate() + timedelta(days=20), reason="Audit firm busy"
    )
    services.cap_extension_decide(cap=cap, by=alice, grant=True)
    with time_machine.travel(at_noon(18)):
        assert reminders.due_dates_check() == (1, 0)
    with time_machine.travel(at_noon(22)):
        assert reminders.due_dates_check() == (0, 1)
        assert reminders.due_dates_check() == (0, 0)
