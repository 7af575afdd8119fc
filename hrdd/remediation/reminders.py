"""Reminders before an action is due and escalation once it is overdue.

Each accepted action gets two scheduled runs (tasks.py): a reminder to the supplier
`reminder_days` before its due date, and an escalation to the buyer's owners the day after
it. A run re-reads the action and claims its date with a conditional UPDATE
(`reminded_for`, `escalated_for`), so a run for a date that has moved, a done action, or a
second worker sends nothing. `due_dates_check` does the same for every action at once (the
`remediation_check` command, for a daily cron, catches any run that was lost).

A plan itself has a due date too (cap_open: 14 days, 7 for a priority finding): while it is
waiting for the supplier's proposal (requested, or sent back for changes) the supplier gets
a reminder `reminder_days` before it, and the buyer's owners are told the day after it, each
once per due date (`CorrectiveActionPlan.reminded_for`,
`escalated_for`), the same way.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from hrdd.notifications.services import email_queue
from hrdd.organisations.models import Membership
from hrdd.remediation import sending
from hrdd.remediation.models import Action, CorrectiveActionPlan, Finding, TimelineEntry
from hrdd.remediation.selectors import timelines
from hrdd.webhooks.services import event_emit


def _live(action_id: int) -> Action | None:
    return (
        Action.objects.filter(
            pk=action_id, status=Action.Status.PLANNED, cap__finding__status=Finding.Status.ACCEPTED
        )
        .select_related("cap__finding__organisation", "cap__finding__supplier")
        .first()
    )


@transaction.atomic
def action_remind(*, action_id: int, due_on: date) -> bool:
    """E-mail the supplier a fresh link about an action due soon; once per due date."""
    action = _live(action_id)
    if action is None or action.due_on != due_on:
        return False
    if (
        not Action.objects.filter(pk=action.pk)
        .exclude(reminded_for=due_on)
        .update(reminded_for=due_on)
    ):
        return False
    sending.cap_link_send(
        cap=action.cap, template="cap_action_reminder", action=action.description[:300]
    )
    TimelineEntry.objects.create(
        finding=action.cap.finding,
        at=timezone.now(),
        event=TimelineEntry.Event.REMINDED,
        note=action.description[:200],
    )
    return True


@transaction.atomic
def action_escalate(*, action_id: int, due_on: date) -> bool:
    """Tell the buyer's owners an action is overdue; once per due date."""
    action = _live(action_id)
    if action is None or action.due_on != due_on or due_on >= timezone.localdate():
        return False
    if (
        not Action.objects.filter(pk=action.pk)
        .exclude(escalated_for=due_on)
        .update(escalated_for=due_on)
    ):
        return False
    finding = action.cap.finding
    _owners_told(
        finding,
        template="cap_action_overdue",
        context={"action": action.description[:300], "due_on": due_on},
    )
    TimelineEntry.objects.create(
        finding=finding,
        at=timezone.now(),
        event=TimelineEntry.Event.ESCALATED,
        note=action.description[:200],
    )
    return True


WAITING_FOR_PLAN = (Finding.Status.REQUESTED, Finding.Status.CHANGES)


def _owners_told(finding: Finding, *, template: str, context: dict) -> None:
    owners = Membership.objects.filter(
        organisation_id=finding.organisation_id, role=Membership.Role.OWNER
    ).select_related("user")
    url = settings.SITE_URL + reverse(
        "remediation:detail", args=[finding.organisation_id, finding.pk]
    )
    event_emit(
        organisation_id=finding.organisation_id,
        event_type="cap.overdue",
        data={
            "finding": {"id": finding.pk},
            "overdue": "plan" if template == "cap_plan_overdue" else "action",
            "due_on": context["due_on"].isoformat(),
            "url": url,
        },
    )
    for owner in owners:
        email_queue(
            to=owner.user.email,
            template=template,
            language=getattr(owner.user, "language", "") or settings.LANGUAGE_CODE,
            context={
                "supplier_name": finding.supplier.name,
                "title": finding.title,
                "link": url,
                **context,
            },
        )


def _live_plan(cap_id: int) -> CorrectiveActionPlan | None:
    return (
        CorrectiveActionPlan.objects.filter(pk=cap_id, finding__status__in=WAITING_FOR_PLAN)
        .select_related("finding__organisation", "finding__supplier")
        .first()
    )


@transaction.atomic
def plan_remind(*, cap_id: int, due_on: date) -> bool:
    """E-mail the supplier a fresh link: its plan is due soon and not sent yet; once per due
    date (nothing if the plan was sent, its date moved, or the finding was closed)."""
    cap = _live_plan(cap_id)
    if cap is None or cap.due_on != due_on:
        return False
    claimed = (
        CorrectiveActionPlan.objects.filter(pk=cap.pk)
        .exclude(reminded_for=due_on)
        .update(reminded_for=due_on)
    )
    if not claimed:
        return False
    sending.cap_link_send(cap=cap, template="cap_plan_reminder")
    TimelineEntry.objects.create(
        finding=cap.finding,
        at=timezone.now(),
        event=TimelineEntry.Event.PLAN_REMINDED,
        note=due_on.isoformat(),
    )
    return True


@transaction.atomic
def plan_escalate(*, cap_id: int, due_on: date) -> bool:
    """Tell the buyer's owners the supplier's plan is overdue; once per due date."""
    cap = _live_plan(cap_id)
    if cap is None or cap.due_on != due_on or due_on >= timezone.localdate():
        return False
    claimed = (
        CorrectiveActionPlan.objects.filter(pk=cap.pk)
        .exclude(escalated_for=due_on)
        .update(escalated_for=due_on)
    )
    if not claimed:
        return False
    _owners_told(cap.finding, template="cap_plan_overdue", context={"due_on": due_on})
    TimelineEntry.objects.create(
        finding=cap.finding,
        at=timezone.now(),
        event=TimelineEntry.Event.PLAN_ESCALATED,
        note=due_on.isoformat(),
    )
    return True


def due_dates_check() -> tuple[int, int]:
    """Every reminder and escalation due today and not sent yet, for actions and for plans
    waiting for the supplier: (reminded, escalated)."""
    today = timezone.localdate()
    reminded = escalated = 0
    waiting = CorrectiveActionPlan.objects.filter(
        finding__status__in=WAITING_FOR_PLAN
    ).select_related("finding__organisation")
    for cap in waiting.filter(due_on__gte=today).exclude(reminded_for=F("due_on")).iterator():
        days = timelines(organisation=cap.finding.organisation).reminder_days
        if cap.due_on <= today + timedelta(days=days):
            reminded += plan_remind(cap_id=cap.pk, due_on=cap.due_on)
    for cap in waiting.filter(due_on__lt=today).exclude(escalated_for=F("due_on")).iterator():
        escalated += plan_escalate(cap_id=cap.pk, due_on=cap.due_on)
    planned = Action.objects.filter(
        status=Action.Status.PLANNED, cap__finding__status=Finding.Status.ACCEPTED
    ).select_related("cap__finding__organisation")
    for action in planned.filter(due_on__gte=today).iterator():
        days = timelines(organisation=action.cap.finding.organisation).reminder_days
        if action.due_on <= today + timedelta(days=days) and action.reminded_for != action.due_on:
            reminded += action_remind(action_id=action.pk, due_on=action.due_on)
    for action in planned.filter(due_on__lt=today).exclude(escalated_for=F("due_on")).iterator():
        escalated += action_escalate(action_id=action.pk, due_on=action.due_on)
    return reminded, escalated
