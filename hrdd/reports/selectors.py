"""Raw aggregates, computed by the database. Only the policy module may turn them into output."""

from django.db.models import Count

from hrdd.campaigns.models import Campaign
from hrdd.reports.models import ReportRelease
from hrdd.responses.models import Answer, Response


def campaign_raw_counts(*, campaign: Campaign) -> tuple[int, dict, dict]:
    """(responses, counts[question][option], answered[question]) for submitted responses.

    Two GROUP BY queries over the covering index answer_count_idx; no answer is loaded into
    Python. Call inside one transaction with a consistent snapshot (see report_release).
    """
    total = Response.objects.filter(campaign=campaign, status=Response.Status.SUBMITTED).count()
    counts: dict[str, dict[str, int]] = {}
    rows = (
        Answer.objects.filter(campaign=campaign)
        .exclude(option_code="")
        .values_list("question_code", "option_code")
        .annotate(n=Count("*"))
        .order_by()
    )
    for question, option, n in rows:
        counts.setdefault(question, {})[option] = n
    answered = dict(
        Answer.objects.filter(campaign=campaign)
        .values_list("question_code")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    )
    return total, counts, answered


def submitted_count(*, campaign: Campaign) -> int:
    return Response.objects.filter(campaign=campaign, status=Response.Status.SUBMITTED).count()


def latest_release(*, campaign: Campaign) -> ReportRelease | None:
    return ReportRelease.objects.filter(campaign=campaign).order_by("-number").first()


# Bands for "how many responses so far": the buyer sees progress, never an exact live count,
# so that watching the number move cannot tell it when a given supplier answered.
RESPONSE_BANDS = [(0, 0), (1, 4), (5, 9), (10, 24), (25, 49), (50, 99), (100, 249), (250, 499)]


def response_band(count: int) -> tuple[int, int | None]:
    """(low, high) of the band `count` falls in; high is None for the open-ended top band."""
    for low, high in RESPONSE_BANDS:
        if low <= count <= high:
            return low, high
    top = 500
    while count >= top * 2:
        top *= 2
    return top, None
