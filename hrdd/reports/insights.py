"""Operator insights: what all buyers' suppliers answered to one questionnaire, in a form
that identifies no supplier and no buyer.

Counts are computed by the database: one GROUP BY over the covering index, per campaign,
then summed per cell with the set of buyers behind it. The confidentiality policy applies
as for a buyer's report, plus a minimum number of distinct buyers behind every figure, so
that no buyer's supply chain can be read from the result.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Count

from hrdd.campaigns.models import Campaign
from hrdd.questionnaires.models import Questionnaire
from hrdd.reports import policy
from hrdd.responses.models import Answer, Response

MIN_BUYERS = getattr(settings, "INSIGHTS_MIN_BUYERS", 3)


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


def insights(
    *,
    questionnaire: Questionnaire,
    industry: str | None = None,
    min_responses: int | None = None,
    min_buyers: int = MIN_BUYERS,
) -> dict:
    """The releasable insight for one questionnaire (optionally one buyer industry).

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
    return summary
