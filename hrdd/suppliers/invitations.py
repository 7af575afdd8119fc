"""Personal links: inviting a buyer's suppliers to a campaign, re-sending, revoking, reminding,
and what a change of a supplier's address does to them.

Writes only; what the buyer may see of them is in hrdd/suppliers/invitation_selectors.py.
Every e-mail carries a fresh random token of which only the hash is stored (InvitationToken),
and goes to the address its invitation was made for, never to whatever the supplier list
says now (see Invitation). E-mails are queued in bulk with plain values and rendered by the
outbox worker, so inviting 10,000 suppliers is a handful of bulk inserts.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.campaigns.models import Campaign
from hrdd.core.bulk import insert_instances
from hrdd.core.tokens import hash_code, new_code
from hrdd.notifications.models import OutboundEmail
from hrdd.notifications.services import email_build, email_queue, email_queue_many
from hrdd.responses.models import Response
from hrdd.suppliers.models import Invitation, InvitationToken, ReminderRun, Supplier

INVITATION = "invitation"
REMINDER = "reminder"
ADDRESS_CHANGED = "supplier_address_changed"
LINK_TEMPLATES = [INVITATION, REMINDER]
OPT_OUT_SALT = "hrdd.suppliers.opt-out"
CHUNK = 2000


def new_token() -> str:
    """A personal-link token: 100 random bits, typed like a resume code if need be."""
    return new_code(groups=5)


def link_url(token: str) -> str:
    return settings.SITE_URL + reverse("links:invitation", kwargs={"token": token})


def opt_out_token(supplier_id: int) -> str:
    return signing.dumps(supplier_id, salt=OPT_OUT_SALT, compress=True)


def opt_out_supplier_id(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=OPT_OUT_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def _language(supplier: Supplier, campaign: Campaign) -> str:
    """The supplier's language if the campaign offers it, else the campaign's first."""
    return supplier.language if supplier.language in campaign.languages else campaign.languages[0]


def _url_maker(name: str):
    """A function token -> absolute URL of the named link, calling reverse() once: reversing
    for each of 10,000 suppliers was a fifth of a launch. Tokens need no escaping (Crockford
    base32 and signed URL-safe base64)."""
    marker = "TOKEN-MARKER"
    prefix, suffix = (settings.SITE_URL + reverse(name, kwargs={"token": marker})).split(marker)
    return lambda token: f"{prefix}{token}{suffix}"


def _emails(
    campaign: Campaign, triples: list[tuple[Invitation, Supplier, str]], template: str
) -> list[OutboundEmail]:
    """One unsaved e-mail per (invitation, supplier, token), to the invitation's address."""
    not_before = campaign.opens_at if campaign.opens_at > timezone.now() else None
    link, opt_out_link = _url_maker("links:invitation"), _url_maker("links:opt_out")
    common = {
        "buyer": campaign.organisation.name,
        "campaign_name": campaign.name,
        "closes_at": campaign.closes_at.isoformat(),
        "disclosed": campaign.is_disclosed,
    }
    return [
        email_build(
            to=invitation.email,
            template=template,
            language=_language(supplier, campaign),
            campaign=campaign,
            not_before=not_before,
            context={
                **common,
                "supplier_name": supplier.name,
                "contact_name": supplier.contact_name,
                "link": link(token),
                "opt_out_link": opt_out_link(opt_out_token(supplier.pk)),
            },
        )
        for invitation, supplier, token in triples
    ]


def _require_not_closed(campaign: Campaign) -> None:
    if campaign.state() == Campaign.State.CLOSED:
        raise ValidationError(_("This campaign is closed: no more links can be sent."))


def _send_links(campaign: Campaign, pairs: list[tuple[Invitation, Supplier]], template: str) -> int:
    """Queue one e-mail with a fresh token per invitation; returns how many were queued.

    Invitations not saved yet (a launch) are inserted here, already pointing at their
    e-mail: one bulk insert instead of an insert and a bulk update (half of a launch's time).
    """
    now = timezone.now()
    for start in range(0, len(pairs), CHUNK):
        chunk = pairs[start : start + CHUNK]
        tokens = [new_token() for _ in chunk]
        emails = email_queue_many(
            _emails(
                campaign,
                [
                    (inv, supplier, token)
                    for (inv, supplier), token in zip(chunk, tokens, strict=True)
                ],
                template,
            )
        )
        if template == INVITATION:
            for (inv, _supplier), message in zip(chunk, emails, strict=True):
                inv.last_email = message
                inv.send_count += 1
        new = [inv for inv, _s in chunk if inv.pk is None]
        existing = [inv for inv, _s in chunk if inv.pk is not None]
        if new:
            insert_instances(new)
        if template == INVITATION and existing:
            Invitation.objects.bulk_update(existing, ["last_email", "send_count"], batch_size=500)
        insert_instances(
            [
                InvitationToken(invitation_id=inv.pk, token_hash=hash_code(token), created_at=now)
                for (inv, _supplier), token in zip(chunk, tokens, strict=True)
            ],
            keys=False,
        )
    return len(pairs)


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
    created = _send_links(campaign, [(inv, inv.supplier) for inv in unsent], INVITATION)
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
    return _send_links(campaign, list(zip(invitations, suppliers, strict=True)), INVITATION)


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
    _send_links(campaign, [(invitation, invitation.supplier)], INVITATION)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by=None) -> None:
    """Every link of this invitation stops working at once, and the draft cannot be reached
    with them. A submitted response stays counted."""
    InvitationToken.objects.filter(invitation=invitation).delete()
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    invitation.revoked_at = timezone.now()


def invitation_for_token(*, token: str) -> Invitation | None:
    """The live invitation a personal-link token opens, if any."""
    found = (
        InvitationToken.objects.filter(token_hash=hash_code(token), invitation__revoked_at=None)
        .select_related(
            "invitation__campaign__organisation",
            "invitation__campaign__questionnaire_version__questionnaire",
            "invitation__supplier",
            "invitation__response",
        )
        .first()
    )
    return found.invitation if found else None


@transaction.atomic
def invitation_start_response(
    *, invitation: Invitation, language: str, consent: bool = False, supplier_name: str = ""
):
    """The supplier's response for this invitation: its existing one, or a new draft that
    carries the supplier-list dimensions a campaign may break its report down by.

    Idempotent: a doubled request finds the response the first one created.
    """
    from hrdd.responses.services import response_start

    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.response_id:
        return Response.objects.get(pk=locked.response_id)
    supplier = invitation.supplier
    response, _code = response_start(
        campaign=invitation.campaign,
        personal_link=True,
        language=language,
        # In a disclosed campaign the supplier confirms (or corrects) its name when agreeing.
        supplier_name=supplier_name or supplier.name,
        supplier_country=str(supplier.country),
        consent=consent,
        supplier_industry=supplier.industry,
        supplier_size=supplier.size_band,
    )
    Invitation.objects.filter(pk=locked.pk).update(response=response)
    return response


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


# --- Reminders -----------------------------------------------------------------------------


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


def reminders_schedule(*, campaign: Campaign) -> list:
    """Enqueue the automatic reminders of the campaign for their dates (each runs once, see
    reminders_send). Past dates are skipped."""
    from hrdd.suppliers.tasks import send_reminders

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
            sent = _send_links(campaign, pairs, REMINDER)
            ReminderRun.objects.filter(pk=run.pk).update(sent_count=sent)
    except IntegrityError:
        return None
    return sent


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
