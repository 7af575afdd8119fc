from django.db.models import Count

from hrdd.notifications.models import OutboundEmail


def delivery_counts(*, campaign, templates: list[str] | None = None) -> dict[str, int]:
    """Messages of a campaign by status, as the buyer sees them: queued (including those being
    sent), sent, failed temporarily (will retry), failed permanently."""
    qs = OutboundEmail.objects.filter(campaign=campaign)
    if templates is not None:
        qs = qs.filter(template__in=templates)
    raw = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    S = OutboundEmail.Status
    return {
        "queued": raw.get(S.QUEUED, 0) + raw.get(S.CLAIMED, 0) + raw.get(S.SENDING, 0),
        "sent": raw.get(S.SENT, 0),
        "retrying": raw.get(S.RETRYING, 0),
        "failed": raw.get(S.FAILED, 0),
    }
