"""Raw aggregates, computed by the database. Only hrdd.policy may turn them into output.

Releases read the counts the worker keeps (reports.tally); campaign_raw_counts and
campaign_breakdown_counts count the same from the answers, as the reference that tests and
bench/report.py compare the tally with.
"""

from collections import defaultdict

from django.db import connection
from django.db.models import Count

from hrdd import policy
from hrdd.campaigns.models import Campaign
from hrdd.reports.models import PrivacyReservation, ReportRelease
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


def breakdown_query_settings() -> None:
    """Planner settings for the large GROUP BYs of breakdowns, for this transaction.

    PostgreSQL expects far more groups than there are (it multiplies the distinct values of
    each column: 144,475 where there are 27,913 at 100,000 responses), so it prices the
    partial groups that parallel workers would hand over too high and reads the index in
    one process: 470 ms, against 300 ms with two workers (parallel_tuple_cost 0.001).
    Where a GROUP BY cannot read an index in order, the same misestimate with the default
    work_mem makes it sort on disk (5.2 s for 1.4 million rows, against 1.4 s hashed in
    64 MB). JIT compilation only adds time to these one-off queries. SET LOCAL ends with
    the transaction; outside one it does nothing.
    """
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL parallel_tuple_cost = 0.001")


def answer_dimension_fields(dimensions: list[str]) -> list[str]:
    """The Answer columns to group by for these dimensions: the supplier columns of
    answer_breakdown_idx (country, industry, size) up to the last one needed.

    GROUP BY (question, option, a prefix of those) reads the index in order, with no sort
    and no temporary table; a column in between that is not declared is summed away in
    Python (at most a few tens of thousands of rows).
    """
    order = list(DIMENSION_FIELDS)
    last = max(order.index(d) for d in dimensions)
    return [DIMENSION_FIELDS[d] for d in order[: last + 1]]


def campaign_breakdown_counts(
    *, campaign: Campaign, dimensions: list[str]
) -> tuple[int, dict, dict, dict[str, dict[str, tuple[int, dict, dict]]]]:
    """(responses, counts, answered, groups) for submitted responses, where
    groups[dimension][group code] = (responses, counts[question][option], answered[question]).

    Two queries, whatever the number of dimensions: responses per combination of the
    declared dimensions, and answers per question, option and combination, one GROUP BY
    over the covering index answer_breakdown_idx (answers carry copies of their response's
    supplier fields, so no join: see bench/README.md). The overall counts are the sums of
    the same rows, so they always agree with the groups. Call inside one transaction with a
    consistent snapshot (see report_release_if_due).
    """
    if not dimensions:
        raise ValueError("campaign_breakdown_counts needs at least one dimension")
    breakdown_query_settings()
    submitted = Response.objects.filter(campaign=campaign, status=Response.Status.SUBMITTED)
    sizes = submitted.values_list(*(DIMENSION_FIELDS[d] for d in dimensions)).annotate(n=Count("*"))
    fields = answer_dimension_fields(dimensions)
    # Only submitted responses have answers. Question and option first: the index's order.
    query = (
        Answer.objects.filter(campaign=campaign)
        .values_list("question_code", "option_code", *fields)
        .annotate(n=Count("*"))
        .order_by()
        .query
    )
    # Up to tens of thousands of rows of plain strings and counts: taken from the cursor
    # as they are, without the ORM's per-row conversions.
    with connection.cursor() as cursor:
        cursor.execute(*query.sql_with_params())
        rows = cursor.fetchall()
    total = 0
    sizes_of: dict[str, dict[str, int]] = {d: defaultdict(int) for d in dimensions}
    for *values, n in sizes.order_by():
        total += n
        for dimension, value in zip(dimensions, values, strict=True):
            sizes_of[dimension][policy.group_code(value)] += n
    overall: dict[tuple[str, str], int] = defaultdict(int)
    tallies: dict[str, dict[tuple, int]] = {d: defaultdict(int) for d in dimensions}
    # (tally, column of the dimension in a row): question, option, fields..., n.
    columns = [(tallies[d], 2 + fields.index(DIMENSION_FIELDS[d])) for d in dimensions]
    for row in rows:
        question, option, n = row[0], row[1], row[-1]
        overall[question, option] += n
        for tally, column in columns:
            tally[row[column], question, option] += n
    counts, answered = split_answered((q, o, n) for (q, o), n in overall.items())
    out = {}
    for dimension in dimensions:
        group_rows: dict[str, list] = {code: [] for code in sizes_of[dimension]}
        for (value, question, option), n in tallies[dimension].items():
            group_rows.setdefault(policy.group_code(value), []).append((question, option, n))
        out[dimension] = {
            code: (sizes_of[dimension].get(code, 0), *split_answered(found))
            for code, found in group_rows.items()
        }
    return total, counts, answered, out


def submitted_count(*, campaign: Campaign) -> int:
    return Response.objects.filter(campaign=campaign, status=Response.Status.SUBMITTED).count()


def latest_release(*, campaign: Campaign) -> ReportRelease | None:
    return ReportRelease.objects.filter(campaign=campaign).order_by("-number").first()


def first_release_size(*, campaign: Campaign) -> int:
    """How many responses a campaign's first release waits for before close."""
    return policy.first_release(campaign.min_responses)


def privacy_budget_left(*, campaign: Campaign) -> float:
    """The privacy budget (epsilon) the campaign has, or would get at its first release: its
    reservation if it has one, else what its buyer's other campaigns on the same
    questionnaire that opened in the same year left (docs/privacy.md, the ledger)."""
    reserved = (
        PrivacyReservation.objects.filter(campaign=campaign)
        .values_list("epsilon", flat=True)
        .first()
    )
    if reserved is not None:
        return reserved
    return policy.budget_left(
        PrivacyReservation.objects.filter(
            organisation_id=campaign.organisation_id,
            questionnaire_code=campaign.questionnaire_version.questionnaire.code,
            year=campaign.opens_at.year,
        ).values_list("epsilon", flat=True)
    )


def privacy_budget_holder(*, campaign: Campaign) -> Campaign | None:
    """The buyer's earlier campaign that took this questionnaire's budget for the year."""
    reservation = (
        PrivacyReservation.objects.filter(
            organisation_id=campaign.organisation_id,
            questionnaire_code=campaign.questionnaire_version.questionnaire.code,
            year=campaign.opens_at.year,
            epsilon__gt=0,
        )
        .exclude(campaign=campaign)
        .select_related("campaign")
        .order_by("created_at")
        .first()
    )
    return reservation.campaign if reservation else None
