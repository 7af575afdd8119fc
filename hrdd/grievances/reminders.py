"""Reminders before a case's deadline and escalation once it is past, by the EU
Whistleblowing Directive's timers (art. 9(1)(b) and (f)): acknowledge within
GRIEVANCE_ACKNOWLEDGE_DAYS (7), give feedback within GRIEVANCE_FEEDBACK_DAYS (91).

`cases_check` runs from the periodic task `grievances.check_due_cases` (and the
`grievance_check` command, for a daily cron): for every open case it sends, once each,
- a reminder to the assignee (to every handler when nobody is assigned)
  GRIEVANCE_ACKNOWLEDGE_REMINDER_DAYS (2) before the acknowledgement is due, and
  GRIEVANCE_FEEDBACK_REMINDER_DAYS (14) before feedback is due;
- an escalation to the organisation's owners, and the assignee, the day it is overdue.
The mails carry the channel's name, the case number, the due date and the link: never
anything the reporter wrote. Each sending is claimed with a conditional update of
`reminders_sent`, so two workers never send the same one twice.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hrdd.grievances.models import Case, CaseEvent
from hrdd.grievances.selectors import handler_keys
from hrdd.notifications.services import email_queue
from hrdd.organisations.models import Membership

ACKNOWLEDGE = "acknowledge"
FEEDBACK = "feedback"


def _recipients(case: Case, *, escalation: bool) -> list:
    organisation = case.channel.organisation
    handlers = [key.user for key in handler_keys(organisation=organisation).select_related("user")]
    people = [case.assigned_to] if case.assigned_to else handlers
    if escalation:
        owners = Membership.objects.filter(
            organisation=organisation, role=Membership.Role.OWNER, user__is_active=True
        ).select_related("user")
        people = people + [m.user for m in owners]
    unique = {}
    for user in people:
        if user is not None and user.is_active:
            unique[user.pk] = user
    return list(unique.values())


@transaction.atomic
def _send(case: Case, *, stage: str, escalation: bool, due) -> bool:
    name = f"{stage}_{'escalation' if escalation else 'reminder'}"
    fresh = Case.objects.select_for_update().get(pk=case.pk)
    if name in fresh.reminders_sent:
        return False
    fresh.reminders_sent = [*fresh.reminders_sent, name]
    fresh.save(update_fields=["reminders_sent"])
    organisation = case.channel.organisation
    link = settings.SITE_URL + reverse("grievances:case", args=[organisation.pk, case.pk])
    for user in _recipients(case, escalation=escalation):
        email_queue(
            to=user.email,
            template="grievance_due",
            language=getattr(user, "language", "") or settings.LANGUAGE_CODE,
            context={
                "channel_name": case.channel.name,
                "case_number": case.pk,
                "due_at": due,
                "feedback": stage == FEEDBACK,
                "escalation": escalation,
                "link": link,
            },
        )
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        kind=CaseEvent.Kind.ESCALATED if escalation else CaseEvent.Kind.REMINDED,
        detail=stage,
    )
    return True


def cases_check(now=None) -> tuple[int, int]:
    """Every reminder and escalation due now and not sent yet: (reminded, escalated)."""
    now = now or timezone.now()
    reminded = escalated = 0
    ack_before = timedelta(days=settings.GRIEVANCE_ACKNOWLEDGE_REMINDER_DAYS)
    feedback_before = timedelta(days=settings.GRIEVANCE_FEEDBACK_REMINDER_DAYS)
    open_cases = (
        Case.objects.exclude(state=Case.State.CLOSED)
        .select_related("channel__organisation", "assigned_to")
        .order_by("pk")
    )
    for case in open_cases.iterator():
        if case.acknowledged_at is None:
            stage, due, before = ACKNOWLEDGE, case.acknowledge_due(), ack_before
        elif case.feedback_at is None:
            stage, due, before = FEEDBACK, case.feedback_due(), feedback_before
        else:
            continue
        if now > due:
            escalated += _send(case, stage=stage, escalation=True, due=due)
        elif now >= due - before:
            reminded += _send(case, stage=stage, escalation=False, due=due)
    return reminded, escalated
