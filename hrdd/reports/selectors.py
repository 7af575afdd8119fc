"""Raw aggregates, computed by the database. Only the policy module may turn them into output."""

from django.db import connection
from django.db.models import Count

from hrdd.campaigns.models import Campaign
from hrdd.reports.models import ReportRelease
from hrdd.reports.policy import group_code
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


# The response fields a campaign may declare as report breakdowns (Campaign.Breakdown), in
# the order reports show them.
DIMENSION_FIELDS = {
    "country": "supplier_country",
    "industry": "supplier_industry",
    "size": "supplier_size",
}


def declared_dimensions(*, campaign: Campaign) -> list[str]:
    """The breakdowns the campaign declared before anyone answered, in report order."""
    declared = set(campaign.breakdowns or ())
    return [d for d in DIMENSION_FIELDS if d in declared]


def hash_aggregate_settings() -> None:
    """Let PostgreSQL count the join of answers to responses in memory, for this transaction.

    Its planner expects far more groups than there are (one per combination of the
    dimensions' values, question and option) and, with the default work_mem, sorts 1.4
    million rows on disk at 100,000 responses: 5.2 s. With 64 MB it hashes them (about
    20 MB used): 1.4 s; JIT compilation only adds time to this one-off query. SET LOCAL ends
    with the transaction; outside one it does nothing.
    """
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")


def campaign_breakdown_counts(
    *, campaign: Campaign, dimensions: list[str]
) -> tuple[int, dict, dict, dict[str, dict[str, tuple[int, dict, dict]]]]:
    """(responses, counts, answered, groups) for submitted responses, where
    groups[dimension][group code] = (responses, counts[question][option], answered[question]).

    Two queries, whatever the number of dimensions: responses per combination of the
    declared dimensions, and answers per combination, question and option (answers joined
    to their response, which the covering index cannot serve: see bench/README.md). The
    overall counts are the sums of the same rows, so they always agree with the groups.
    Call inside one transaction with a consistent snapshot (see report_release_if_due).
    """
    if not dimensions:
        raise ValueError("campaign_breakdown_counts needs at least one dimension")
    fields = [DIMENSION_FIELDS[d] for d in dimensions]
    hash_aggregate_settings()
    submitted = Response.objects.filter(campaign=campaign, status=Response.Status.SUBMITTED)
    sizes = submitted.values_list(*fields).annotate(n=Count("*")).order_by()
    rows = (
        Answer.objects.filter(
            response__campaign=campaign, response__status=Response.Status.SUBMITTED
        )
        .values_list(*(f"response__{f}" for f in fields), "question_code", "option_code")
        .annotate(n=Count("*"))
        .order_by()
    )
    width = len(fields)
    groups: dict[str, dict[str, list]] = {d: {} for d in dimensions}
    total = 0
    for *values, n in sizes:
        total += n
        for dimension, value in zip(dimensions, values, strict=True):
            group = groups[dimension].setdefault(group_code(value), [0, []])
            group[0] += n
    overall = []
    for row in rows:
        values, (question, option, n) = row[:width], row[width:]
        overall.append((question, option, n))
        for dimension, value in zip(dimensions, values, strict=True):
            groups[dimension].setdefault(group_code(value), [0, []])[1].append(
                (question, option, n)
            )
    counts, answered = split_answered(overall)
    out = {
        dimension: {
            code: (size, *split_answered(group_rows)) for code, (size, group_rows) in found.items()
        }
        for dimension, found in groups.items()
    }
    return total, counts, answered, out


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
