"""Personal links: inviting a buyer's suppliers to a campaign, re-sending, revoking, the
reminder schedule, and what a change of a supplier's address does to the invitations.

Writes only; what the buyer may see of them is in selectors. The e-mails themselves are built
and queued by sending; rounds of reminders are sent by reminders (run as tasks).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.campaigns.models import Campaign
from hrdd.core.bulk import insert_instances
from hrdd.invitations.models import Invitation, InvitationToken
from hrdd.invitations.reminders import manual_reminder_key, reminders_send
from hrdd.invitations.sending import (
    ADDRESS_CHANGED,
    CHUNK,
    INVITATION,
    link_url,
    opt_out_supplier_id,
    opt_out_token,
    send_links,
)
from hrdd.invitations.tasks import send_reminders
from hrdd.notifications.services import email_queue
from hrdd.suppliers.models import Supplier

__all__ = [
    "ADDRESS_CHANGED",
    "campaign_invite",
    "campaign_set_reminders",
    "invitation_resend",
    "invitation_revoke",
    "invitations_follow_address",
    "link_url",
    "manual_reminder_key",
    "opt_out_supplier_id",
    "opt_out_token",
    "reminders_schedule",
    "reminders_send",
    "supplier_opt_out",
]


def _require_not_closed(campaign: Campaign) -> None:
    if campaign.state() == Campaign.State.CLOSED:
        raise ValidationError(_("This campaign is closed: no more links can be sent."))


@transaction.atomic
def campaign_invite(*, campaign: Campaign, by=None, suppliers=None) -> int:
    """Send a personal link to every supplier of the buyer's list (or of `suppliers`) not yet
    invited to this campaign at its current address: a new invitation for a supplier that has
    none, the first link of one made when its address changed. Returns how many were sent.

    If the campaign opens later, the e-mails wait until it opens. The automatic reminders of
    the campaign are scheduled on the first call. From then on the campaign's response URL
    takes no new responses (responses.services.response_start).
    """
    _require_not_closed(campaign)
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # one launch at a time
    candidates = Supplier.objects.filter(organisation=campaign.organisation)
    if suppliers is not None:
        candidates = candidates.filter(pk__in=[s.pk for s in suppliers])
    current = Invitation.objects.filter(
        campaign=campaign, supplier=OuterRef("pk"), superseded_at=None
    )
    candidates = candidates.exclude(Exists(current)).only(
        "pk", "name", "email", "language", "contact_name"
    )
    now = timezone.now()
    unsent = Invitation.objects.filter(
        campaign=campaign, superseded_at=None, send_count=0, revoked_at=None
    ).select_related("supplier")
    if suppliers is not None:
        unsent = unsent.filter(supplier__in=[s.pk for s in suppliers])
    unsent = list(unsent)
    created = send_links(campaign, [(inv, inv.supplier) for inv in unsent], INVITATION)
    batch: list[Supplier] = []
    for supplier in candidates.iterator(chunk_size=CHUNK):
        batch.append(supplier)
        if len(batch) == CHUNK:
            created += _invite(campaign, batch, now)
            batch = []
    if batch:
        created += _invite(campaign, batch, now)
    if campaign.launched_at is None:
        campaign.launched_at = now
        Campaign.objects.filter(pk=campaign.pk).update(launched_at=now)
        reminders_schedule(campaign=campaign)
    return created


def _invite(campaign: Campaign, suppliers: list[Supplier], now) -> int:
    invitations = [
        Invitation(campaign_id=campaign.pk, supplier_id=s.pk, email=s.email, created_at=now)
        for s in suppliers
    ]
    return send_links(campaign, list(zip(invitations, suppliers, strict=True)), INVITATION)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by=None) -> None:
    """A new e-mail with a new link to the invitation's address (earlier links keep working
    unless revoked). Lifts a revocation. An invitation superseded by an address change sends
    nothing more: the supplier's current invitation is the one to send."""
    campaign = invitation.campaign
    _require_not_closed(campaign)
    if invitation.superseded_at:
        raise ValidationError(
            _("This supplier's address has changed: send the link from its current entry.")
        )
    if invitation.revoked_at:
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=None)
        invitation.revoked_at = None
    send_links(campaign, [(invitation, invitation.supplier)], INVITATION)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by=None) -> None:
    """Every link of this invitation stops working at once, and the draft cannot be reached
    with them. A submitted response stays counted."""
    InvitationToken.objects.filter(invitation=invitation).delete()
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    invitation.revoked_at = timezone.now()


@transaction.atomic
def invitations_follow_address(
    *, supplier: Supplier, old_email: str, old_language: str, by=None
) -> int:
    """After `supplier`'s address changed from `old_email`: every current invitation of the
    supplier is superseded and a new one, blank and not yet sent, is made for the new address
    in the same campaign. Returns how many were replaced.

    Nothing moves: the old invitation keeps its response (draft, receipt, status) and its
    links keep working for whoever holds them, as the supplier who answered would expect;
    no reminder or new link is sent from it any more. If the platform has written to the old
    address (a link was sent to it), that address is told of the change, in `old_language`,
    with no link in the message.
    """
    now = timezone.now()
    current = list(
        Invitation.objects.select_for_update()
        .filter(supplier=supplier, superseded_at=None)
        .select_related("campaign")
    )
    if not current:
        return 0
    Invitation.objects.filter(pk__in=[inv.pk for inv in current]).update(superseded_at=now)
    insert_instances(
        [
            Invitation(
                campaign_id=inv.campaign_id,
                supplier_id=supplier.pk,
                email=supplier.email,
                created_at=now,
            )
            for inv in current
        ]
    )
    written_to = [
        inv for inv in current if inv.send_count and inv.email.lower() == old_email.lower()
    ]
    if written_to:
        email_queue(
            to=old_email,
            template=ADDRESS_CHANGED,
            language=old_language,
            context={
                "buyer": supplier.organisation.name,
                "supplier_name": supplier.name,
                "contact_name": supplier.contact_name,
                "campaign_names": sorted({inv.campaign.name for inv in written_to}),
            },
        )
    return len(current)


@transaction.atomic
def supplier_opt_out(*, supplier_id: int) -> Supplier | None:
    """No more reminders to this supplier, from any campaign of its buyer. Idempotent."""
    supplier = Supplier.objects.filter(pk=supplier_id).first()
    if supplier is None:
        return None
    if supplier.reminders_opted_out_at is None:
        supplier.reminders_opted_out_at = timezone.now()
        Supplier.objects.filter(pk=supplier.pk).update(
            reminders_opted_out_at=supplier.reminders_opted_out_at
        )
    return supplier


def reminders_schedule(*, campaign: Campaign) -> list:
    """Enqueue the automatic reminders of the campaign for their dates (each runs once, see
    reminders_send). Past dates are skipped."""
    scheduled = []
    now = timezone.now()
    for days in sorted(set(campaign.reminder_days or []), reverse=True):
        at = campaign.closes_at - timedelta(days=days)
        if at <= now or at <= campaign.opens_at:
            continue
        key = f"{days}d"
        transaction.on_commit(
            lambda key=key, at=at: send_reminders.using(run_after=at).enqueue(
                campaign_id=campaign.pk, key=key
            )
        )
        scheduled.append((key, at))
    return scheduled


@transaction.atomic
def campaign_set_reminders(*, campaign: Campaign, days: list[int], by=None) -> None:
    """Change the automatic reminder schedule; new dates are scheduled at once if the
    campaign was launched."""
    clean = sorted({int(d) for d in days}, reverse=True)
    if any(d < 1 or d > 90 for d in clean):
        raise ValidationError(_("Reminder days must be between 1 and 90 days before closing."))
    Campaign.objects.filter(pk=campaign.pk).update(reminder_days=clean)
    campaign.reminder_days = clean
    if campaign.launched_at:
        reminders_schedule(campaign=campaign)
