"""Rounds of reminders: who is reminded, and sending one round once however often it is asked
for (the automatic ones are queued by services.reminders_schedule and run by tasks)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from hrdd.campaigns.models import Campaign
from hrdd.invitations.models import Invitation, ReminderRun
from hrdd.invitations.sending import REMINDER, send_links
from hrdd.notifications.models import OutboundEmail
from hrdd.responses.models import Response


def reminder_recipients(*, campaign: Campaign):
    """Current invitations (made for the supplier's present address, and sent) that have not
    been answered, still hold a live link, whose supplier did not opt out, and whose address
    did not refuse the last link for good (the buyer sees that problem and sends a new link
    once the address is corrected). Never shown to the buyer of a confidential campaign: it
    would say who answered.

    Every condition but "not answered" is something the buyer sees on its own pages, and an
    answer belongs to the invitation it was given through: an address the buyer redirects
    gets a new invitation, never answered, so a reminder to a mailbox the buyer controls
    tells it nothing about the real supplier (docs/privacy.md)."""
    return (
        Invitation.objects.filter(
            campaign=campaign,
            superseded_at=None,
            send_count__gt=0,
            revoked_at=None,
            supplier__reminders_opted_out_at=None,
        )
        .filter(Q(response__isnull=True) | ~Q(response__status=Response.Status.SUBMITTED))
        .exclude(last_email__status=OutboundEmail.Status.FAILED)
        .select_related("supplier")
    )


def manual_reminder_key(now=None) -> str:
    """The buyer's button works once a day: a second click the same day does nothing."""
    return f"manual-{(now or timezone.now()).date().isoformat()}"


def reminders_send(*, campaign: Campaign, key: str, by=None) -> int | None:
    """Send one round of reminders, once: returns how many were queued, or None if this round
    already happened (or the campaign is not open, or was never launched)."""
    if not campaign.is_open or campaign.launched_at is None:
        return None
    if key.endswith("d") and key[:-1].isdigit() and int(key[:-1]) not in campaign.reminder_days:
        return None  # the buyer removed this reminder from the schedule after it was queued
    try:
        with transaction.atomic():
            run = ReminderRun.objects.create(campaign=campaign, key=key, requested_by=by)
            pairs = [(inv, inv.supplier) for inv in reminder_recipients(campaign=campaign)]
            sent = send_links(campaign, pairs, REMINDER)
            ReminderRun.objects.filter(pk=run.pk).update(sent_count=sent)
    except IntegrityError:
        return None
    return sent
