"""Operator insights: what all buyers' suppliers answered to one questionnaire, in a form
that identifies no supplier and no buyer.

Counts are computed by the database: one GROUP BY over the covering index, per campaign,
then summed per cell with the set of buyers behind it. The confidentiality policy applies
as for a buyer's report, plus a minimum number of distinct buyers behind every figure, so
that no buyer's supply chain can be read from the result.

On request, the same answers broken down by supplier country or supplier industry (the
values a personal link copies from the buyer's supplier list): every group under the rules
of a buyer's breakdown (policy rules 9-12), and a group, like a figure, needs the minimum of
distinct buyers behind it. Answers carry copies of their response's supplier fields, so this
is one more GROUP BY of answers (over answer_breakdown_idx), computed only when asked for.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from hrdd.campaigns.models import Campaign
from hrdd.questionnaires.models import Questionnaire
from hrdd.reports import policy
from hrdd.reports.selectors import (
    DIMENSION_FIELDS,
    answer_dimension_fields,
    breakdown_query_settings,
    split_answered,
)
from hrdd.responses.models import Answer, Response

MIN_BUYERS = getattr(settings, "INSIGHTS_MIN_BUYERS", 3)
# The supplier dimensions insights can be broken down by.
INSIGHT_BREAKDOWNS = ("country", "industry")


def _campaigns(questionnaire: Questionnaire, industry: str | None = None) -> dict[int, int]:
    """campaign id -> buyer organisation id, for every campaign on any version."""
    campaigns = Campaign.objects.filter(questionnaire_version__questionnaire=questionnaire)
    if industry:
        campaigns = campaigns.filter(organisation__industry=industry)
    return dict(campaigns.values_list("pk", "organisation_id"))


def raw_insight_counts(
    *, questionnaire: Questionnaire, industry: str | None = None
) -> tuple[int, set[int], dict, dict, dict]:
    """(responses, buyers, counts[q][o], buyers_by_cell[q][o], answered[q]) across buyers."""
    owner = _campaigns(questionnaire, industry)
    if not owner:
        return 0, set(), {}, {}, {}
    per_campaign_totals = (
        Response.objects.filter(campaign_id__in=owner, status=Response.Status.SUBMITTED)
        .values_list("campaign_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    total, buyers = 0, set()
    for campaign_id, n in per_campaign_totals:
        total += n
        buyers.add(owner[campaign_id])
    counts: dict = defaultdict(lambda: defaultdict(int))
    cell_buyers: dict = defaultdict(lambda: defaultdict(set))
    answered: dict = defaultdict(int)
    rows = (
        Answer.objects.filter(campaign_id__in=owner)
        .values_list("campaign_id", "question_code", "option_code")
        .annotate(n=Count("*"))
        .order_by()
    )
    for campaign_id, question, option, n in rows:
        if not option:  # "answered" markers (see hrdd.reports.selectors.split_answered)
            answered[question] += n
            continue
        counts[question][option] += n
        cell_buyers[question][option].add(owner[campaign_id])
    return total, buyers, counts, cell_buyers, answered


def _enforce_buyers(item: dict, buyers_of: dict, question_code: str, min_buyers: int) -> dict:
    """Hide figures backed by too few buyers; withhold the question if that would let a
    hidden figure be recomputed (the same reasoning as complementary suppression)."""
    if item["status"] == policy.SHOWN and "cells" in item:
        few = {
            code
            for code, cell in item["cells"].items()
            if cell["count"] and len(buyers_of.get(question_code, {}).get(code, ())) < min_buyers
        }
        if few:
            hidden = {c for c, cell in item["cells"].items() if cell["count"] is None} | few
            shown = [c for c, cell in item["cells"].items() if c not in hidden and cell["count"]]
            if len(hidden) < 2 or len(shown) < 2:
                return {**item, "status": policy.WITHHELD, "cells": {}, "dominant": None}
            item = {
                **item,
                "cells": {
                    c: (policy.HIDDEN if c in hidden else cell) for c, cell in item["cells"].items()
                },
            }
    if item["status"] == policy.SHOWN and "options" in item:
        options = {}
        for code, result in item["options"].items():
            backed = len(buyers_of.get(question_code, {}).get(code, ()))
            if result["cell"]["count"] and backed < min_buyers:
                result = {"status": policy.WITHHELD, "cell": policy.HIDDEN}
            options[code] = result
        item = {**item, "options": options}
    if item["status"] == policy.DOMINANT:
        backed = len(buyers_of.get(question_code, {}).get(item["dominant"], ()))
        if backed < min_buyers:
            return {**item, "status": policy.WITHHELD, "dominant": None}
    if item["status"] == policy.GRID:
        # Grid rows are checked like single questions, by their stored code "q.row".
        item = {
            **item,
            "rows": {
                row: _enforce_buyers(result, buyers_of, f"{question_code}.{row}", min_buyers)
                for row, result in item["rows"].items()
            },
        }
    return item


class _GroupCounts:
    """Raw counts of all buyers' responses by one supplier dimension, with the buyers behind
    each group and each of its figures (never shown; the policy decides what is)."""

    def __init__(self, owner: dict[int, int], dimension: str):
        field = DIMENSION_FIELDS[dimension]
        self.sizes: dict = defaultdict(int)  # (campaign, group) -> responses
        for campaign_id, value, n in (
            Response.objects.filter(campaign_id__in=owner, status=Response.Status.SUBMITTED)
            .values_list("campaign_id", field)
            .annotate(n=Count("*"))
            .order_by()
        ):
            self.sizes[campaign_id, policy.group_code(value)] += n
        self.rows: dict = defaultdict(list)  # group -> (question, option, n)
        self.campaigns_of: dict = defaultdict(set)  # (group, question, option) -> campaigns
        self.answered: dict = defaultdict(int)  # (campaign, group, question, kind) -> n
        # Only submitted responses have answers; the dimension is the last column grouped
        # by (by industry, the country before it is summed away here).
        for campaign_id, question, option, *values, n in (
            Answer.objects.filter(campaign_id__in=owner)
            .values_list(
                "campaign_id", "question_code", "option_code", *answer_dimension_fields([dimension])
            )
            .annotate(n=Count("*"))
            .order_by()
        ):
            group = policy.group_code(values[-1])
            self.rows[group].append((question, option, n))
            self.campaigns_of[group, question, option].add(campaign_id)
            # Multiple choice: the marker rows count respondents; otherwise the options do.
            self.answered[campaign_id, group, question, "marker" if not option else "options"] += n
        self.owner = owner

    def groups(self) -> dict[str, tuple[int, dict, dict]]:
        totals: dict = defaultdict(int)
        for (_campaign, group), n in self.sizes.items():
            totals[group] += n
        return {g: (n, *split_answered(self.rows.get(g, []))) for g, n in totals.items()}

    def buyers(self, members) -> set[int]:
        return {self.owner[c] for (c, g) in self.sizes if g in members}

    def buyers_of(self, members, source: str, column: str, multiple: bool) -> set[int]:
        """Buyers with at least one supplier of the group behind one figure."""
        if column in (policy.NO_ANSWER, "_no_answer"):
            kind = "marker" if multiple else "options"
            return {
                self.owner[campaign]
                for (campaign, group), n in self.sizes.items()
                if group in members and n > self.answered.get((campaign, group, source, kind), 0)
            }
        return {
            self.owner[campaign]
            for group in members
            for campaign in self.campaigns_of.get((group, source, column), ())
        }


def _insight_breakdown(
    *, questionnaire, definition, summary, dimension, industry, k, min_buyers
) -> dict:
    with transaction.atomic():
        breakdown_query_settings()
        counts = _GroupCounts(_campaigns(questionnaire, industry), dimension)
    groups = counts.groups()
    sizes = {g: n for g, (n, _c, _a) in groups.items()}

    def big_enough(members) -> bool:
        return sum(sizes[m] for m in members) >= k and len(counts.buyers(members)) >= min_buyers

    def must_hide(members, source: str, column: str) -> bool:
        question = definition.question(source.split(".")[0])
        multiple = bool(question and question.is_multiple)
        return len(counts.buyers_of(members, source, column, multiple)) < min_buyers

    return policy.summarise_breakdown(
        definition=definition,
        overall=summary,
        dimension=dimension,
        groups=groups,
        rules=policy.Rules(min_responses=k),
        big_enough=big_enough,
        must_hide=must_hide,
    )


def insights(
    *,
    questionnaire: Questionnaire,
    industry: str | None = None,
    min_responses: int | None = None,
    min_buyers: int = MIN_BUYERS,
    breakdown: str | None = None,
) -> dict:
    """The releasable insight for one questionnaire (optionally one buyer industry, and
    optionally broken down by supplier country or industry: `breakdown`).

    Answers given to any version count together by question and option code; the questions
    shown are those of the latest version.
    """
    k = min_responses or settings.CONFIDENTIALITY_DEFAULT_MIN_RESPONSES
    version = questionnaire.latest_version()
    total, buyers, counts, cell_buyers, answered = raw_insight_counts(
        questionnaire=questionnaire, industry=industry
    )
    if len(buyers) < min_buyers or total < k:
        return {
            "status": policy.TOO_FEW,
            "response_count": None,
            "buyer_count": None,
            "min_responses": k,
            "min_buyers": min_buyers,
            "questions": [],
        }
    summary = policy.summarise(
        definition=version.parsed,
        total=total,
        counts=counts,
        answered=answered,
        rules=policy.Rules(min_responses=k),
    )
    summary["questions"] = [
        _enforce_buyers(item, cell_buyers, item["code"], min_buyers)
        for item in summary["questions"]
    ]
    summary["buyer_count"] = len(buyers)
    summary["min_buyers"] = min_buyers
    if breakdown in INSIGHT_BREAKDOWNS:
        summary["breakdowns"] = [
            _insight_breakdown(
                questionnaire=questionnaire,
                definition=version.parsed,
                summary=summary,
                dimension=breakdown,
                industry=industry,
                k=k,
                min_buyers=min_buyers,
            )
        ]
    return summary
