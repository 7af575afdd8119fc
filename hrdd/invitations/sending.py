"""The e-mails that carry personal links: one per invitation, each with a fresh random token
of which only the hash is stored (InvitationToken), to the address its invitation was made
for, never to whatever the supplier list says now (see Invitation). E-mails are queued in bulk
with plain values and rendered by the outbox worker, so inviting 10,000 suppliers is a
handful of bulk inserts. Used by invitations' services and by the reminder rounds.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from hrdd.campaigns.models import Campaign
from hrdd.core.bulk import insert_instances
from hrdd.core.tokens import hash_code, new_code
from hrdd.invitations.models import Invitation, InvitationToken
from hrdd.notifications.models import OutboundEmail
from hrdd.notifications.services import email_build, email_queue_many
from hrdd.suppliers.models import Supplier

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


def send_links(campaign: Campaign, pairs: list[tuple[Invitation, Supplier]], template: str) -> int:
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
