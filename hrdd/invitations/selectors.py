"""What a buyer may see of its personal links.

Confidential campaign: delivery of invitations (counts, and the addresses that failed), never
whether or when a supplier answered, nor anything about reminders, whose recipients are by
definition the suppliers who have not answered. Only each supplier's current invitation (the
one for its present address) is shown: one superseded by an address change belongs to the
old address and is not the buyer's to act on. Disclosed campaign: per-supplier status too
(decided by hrdd.policy.response_status_access, audited by the page that shows it).
"""

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from hrdd import policy
from hrdd.campaigns.models import Campaign
from hrdd.core.tokens import hash_code
from hrdd.invitations.models import Invitation, InvitationToken, ReminderRun
from hrdd.invitations.reminders import manual_reminder_key
from hrdd.invitations.sending import INVITATION, LINK_TEMPLATES
from hrdd.notifications.models import OutboundEmail
from hrdd.notifications.selectors import delivery_counts
from hrdd.responses.models import Response
from hrdd.suppliers.models import Supplier

NOT_STARTED = "not_started"
STARTED = "started"
SUBMITTED = "submitted"


def links_overview(*, campaign: Campaign) -> dict:
    """Figures for the campaign page's personal-link card."""
    current = Invitation.objects.filter(campaign=campaign, superseded_at=None)
    invited = current.filter(send_count__gt=0)
    totals = invited.aggregate(
        invited=Count("pk"), revoked=Count("pk", filter=Q(revoked_at__isnull=False))
    )
    has_current = current.filter(supplier=OuterRef("pk"))
    overview = {
        **totals,
        "suppliers": Supplier.objects.filter(organisation=campaign.organisation).count(),
        # No current invitation, or one made for a new address and not sent yet.
        "not_invited": Supplier.objects.filter(organisation=campaign.organisation)
        .exclude(Exists(has_current))
        .count()
        + current.filter(send_count=0, revoked_at=None).count(),
        # Reminders go only to those who have not answered: in a confidential campaign even
        # their number would give the response count away.
        "delivery": delivery_counts(
            campaign=campaign,
            templates=LINK_TEMPLATES if policy.response_status_access(campaign) else [INVITATION],
        ),
        "reminded_today": ReminderRun.objects.filter(
            campaign=campaign, key=manual_reminder_key()
        ).exists(),
    }
    if policy.response_status_access(campaign):
        overview["statuses"] = invited.aggregate(
            started=Count("pk", filter=Q(response__status=Response.Status.DRAFT)),
            submitted=Count("pk", filter=Q(response__status=Response.Status.SUBMITTED)),
        )
    return overview


def delivery_problems(*, campaign: Campaign) -> list[dict]:
    """Invitations whose newest e-mail failed, permanently or for now, with the reason."""
    failing = (
        Invitation.objects.filter(
            campaign=campaign,
            superseded_at=None,
            last_email__status__in=[OutboundEmail.Status.FAILED, OutboundEmail.Status.RETRYING],
        )
        .select_related("supplier", "last_email")
        .order_by("supplier__name")
    )
    return [
        {
            "invitation": inv,
            "supplier": inv.supplier,
            "status": inv.last_email.status,
            "status_label": inv.last_email.get_status_display(),
            "error": inv.last_email.last_error,
        }
        for inv in failing[:500]
    ]


def invitations_page(*, campaign: Campaign, query: str = ""):
    """Invited suppliers with the delivery of their newest link; in a disclosed campaign also
    whether they answered (annotated as `answer_status`)."""
    qs = Invitation.objects.filter(campaign=campaign, superseded_at=None).select_related(
        "supplier", "last_email"
    )
    if query:
        qs = qs.filter(Q(supplier__name__icontains=query) | Q(email__icontains=query))
    if policy.response_status_access(campaign):
        qs = qs.select_related("response")
    return qs.order_by("supplier__name", "pk")


def answer_status(invitation: Invitation) -> str:
    """Only where policy.response_status_access allows it: callers check, and audit."""
    if invitation.response is None:
        return NOT_STARTED
    if invitation.response.status == Response.Status.SUBMITTED:
        return SUBMITTED
    return STARTED


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


def suppliers_of_responses(*, response_ids: list[int]) -> dict[int, int]:
    """Response id -> the id of the list entry whose personal link started it (responses
    started from a public link belong to no entry and are left out)."""
    return dict(
        Invitation.objects.filter(response_id__in=response_ids, supplier__isnull=False).values_list(
            "response_id", "supplier_id"
        )
    )


def shareable_invitations(*, response: Response) -> list[Invitation]:
    """Where a supplier may send the answers of `response` from its receipt (answer once,
    share with many): the other live invitations addressed to the same e-mail address as the
    invitation this response came through, to an open disclosed campaign on the same
    questionnaire, not answered yet. Each of those buyers has already asked this supplier by
    name; a confidential campaign is never offered (its answers must not be linkable to a
    name). A response that did not come through a personal link has none."""
    if not response.is_submitted:
        return []
    source = (
        Invitation.objects.filter(response=response)
        .values("email", "campaign_id", "campaign__mode")
        .annotate(questionnaire_id=F("campaign__questionnaire_version__questionnaire_id"))
        .first()
    )
    if source is None or source["campaign__mode"] != Campaign.Mode.DISCLOSED:
        return []
    now = timezone.now()
    return list(
        Invitation.objects.filter(
            email__iexact=source["email"],
            revoked_at=None,
            superseded_at=None,
            campaign__mode=Campaign.Mode.DISCLOSED,
            campaign__opens_at__lte=now,
            campaign__closes_at__gt=now,
            campaign__questionnaire_version__questionnaire_id=source["questionnaire_id"],
        )
        .exclude(campaign_id=source["campaign_id"])
        .filter(Q(response=None) | Q(response__status=Response.Status.DRAFT))
        .select_related(
            "campaign__organisation", "campaign__questionnaire_version", "supplier", "response"
        )
        # The pages use the version's parsed definition, which the process keeps.
        .defer("campaign__questionnaire_version__definition")
        .order_by("campaign__organisation__name", "campaign__name", "pk")
    )


def invited_counts(*, campaign_ids: list[int]) -> dict[int, int]:
    """Campaign id -> how many suppliers were sent a personal link (current invitations
    sent at least once): the denominator of a response rate, in one query."""
    rows = (
        Invitation.objects.filter(
            campaign_id__in=campaign_ids, superseded_at=None, send_count__gt=0
        )
        .values_list("campaign_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)
