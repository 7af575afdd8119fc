"""Raw aggregates, computed by the database. Only the policy module may turn them into output."""

from django.db.models import Count

from hrdd.campaigns.models import Campaign
from hrdd.reports.models import ReportRelease
from hrdd.responses.models import Answer, Response


def split_answered(rows) -> tuple[dict, dict]:
    """(counts[question][option], answered[question]) from (question, option, n) rows.

    Rows without an option are the "answered" markers of multiple-choice questions and the
    answers to text, date and unbanded number questions: each is one respondent.
    """
    counts: dict[str, dict[str, int]] = {}
    answered: dict[str, int] = {}
    for question, option, n in rows:
        if option:
            counts.setdefault(question, {})[option] = counts.get(question, {}).get(option, 0) + n
        else:
            answered[question] = answered.get(question, 0) + n
    return counts, answered


def campaign_raw_counts(*, campaign: Campaign) -> tuple[int, dict, dict]:
    """(responses, counts[question][option], answered[question]) for submitted responses.

    One GROUP BY over the covering index answer_count_idx (the same query as the bare
    baseline in bench/report.py) and one count; no answer is loaded into Python. Call inside
    one transaction with a consistent snapshot (see report_release_if_due).
    """
    total = Response.objects.filter(campaign=campaign, status=Response.Status.SUBMITTED).count()
    rows = (
        Answer.objects.filter(campaign=campaign)
        .values_list("question_code", "option_code")
        .annotate(n=Count("*"))
        .order_by()
    )
    counts, answered = split_answered(rows)
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
