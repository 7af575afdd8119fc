"""Operator insights: what all buyers' suppliers answered to one questionnaire, in a form
that identifies no supplier and no buyer.

Insights are **post-processing of released figures**: the sums, by question and cell, of
the noisy count vectors that each campaign's latest Summary Report release already published
(`content["noisy"]`), with their variances added. No answer and no raw count is read and no
noise is drawn, so insights spend no privacy budget (docs/privacy.md) and computing them
twice gives the same result. Shares and margins then come from policy.summarise, exactly as
a buyer's report does.

What is summed. Every campaign on any version of the questionnaire (optionally only buyers
of one industry) whose latest release is `ok` and measured something. A vector counts only
where the campaign's version measured it with the very cells the latest version measures
(same question code, same options in the same order): answers of other versions count
together by code, and a question whose options changed counts only the campaigns that asked
it the new way. The shares of a question are computed against the responses of the
campaigns behind it.

Distinct buyers. As in DESIGN.md, no buyer's supply chain may be read from an insight: the
report needs at least INSIGHTS_MIN_BUYERS (default 3) distinct buyers, and so does every
question (a question whose figures come from fewer buyers' campaigns is not shown) and every
group of a breakdown.

Breakdowns by supplier country or industry sum the campaigns' released group vectors
(`content["noisy"]["groups"][dimension]`), from the campaigns that declared that breakdown.
A release shows groups below its minimum only merged into "other", so the size of each
group is read from the tally at the campaign's latest release (`TallyGroup.released_n`: the
responses that release measured, by group); group sizes are numbers of respondents, which
the policy treats as participation, not answers. A campaign whose sizes do not add up to its
release, or that lacks a group's vector, is left out of the breakdown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery, Sum

from hrdd import policy
from hrdd.campaigns.models import Campaign
from hrdd.questionnaires.models import Questionnaire, QuestionnaireVersion
from hrdd.reports.models import ReportRelease, TallyGroup
from hrdd.reports.selectors import DIMENSION_FIELDS
from hrdd.reports.tally import snapshot_isolation

# The supplier dimensions insights can be broken down by.
INSIGHT_BREAKDOWNS = ("country", "industry")


@dataclass(frozen=True)
class _Source:
    """The latest release of one campaign: what insights may add up."""

    campaign_id: int
    buyer: int
    responses: int
    noisy: dict
    cells: dict[str, tuple]  # what its version measures (_cells_of)


def _cells_of(design: policy.Design) -> dict[str, tuple]:
    """vector key -> cells, for everything a release of this design measures."""
    out = {}
    for question in design.questions:
        out.update(policy.vectors_of(question))
    if design.topics:
        out[policy.RISK_PREFIX] = design.topics
    return out


def _sources(questionnaire: Questionnaire, industry: str | None) -> list[_Source]:
    """The latest release of every campaign on the questionnaire that measured something."""
    campaigns = Campaign.objects.filter(questionnaire_version__questionnaire=questionnaire)
    if industry:
        campaigns = campaigns.filter(organisation__industry=industry)
    latest = (
        ReportRelease.objects.filter(campaign=OuterRef("campaign"))
        .order_by("-number")
        .values("number")[:1]
    )
    rows = list(
        ReportRelease.objects.filter(campaign__in=campaigns, number=Subquery(latest))
        .order_by("campaign_id")
        .values_list(
            "campaign_id",
            "campaign__organisation_id",
            "campaign__questionnaire_version_id",
            "response_count",
            "content__status",
            "content__noisy",
        )
    )
    versions = {
        v.pk: v for v in QuestionnaireVersion.objects.filter(pk__in={row[2] for row in rows})
    }
    cells: dict[int, dict[str, tuple]] = {}
    out = []
    for campaign_id, buyer, version_id, responses, status, noisy in rows:
        if status != policy.OK or not noisy or not noisy.get("vectors"):
            continue  # too few responses, no budget, or released before noise was added
        if version_id not in cells:
            cells[version_id] = _cells_of(policy.design_of(versions[version_id].parsed))
        out.append(
            _Source(
                campaign_id=campaign_id,
                buyer=buyer,
                responses=responses,
                noisy=noisy,
                cells=cells[version_id],
            )
        )
    return out


def _matches(source: _Source, key: str, cells: tuple, vectors: dict, variance: dict) -> bool:
    """Whether the source measured `key` with exactly these cells."""
    return (
        source.cells.get(key) == cells
        and key in vectors
        and key in variance
        and len(vectors[key]) == len(cells)
    )


def _add_into(vectors: dict, variance: dict, key: str, values: list, var: float) -> None:
    old = vectors.get(key)
    if old is None:
        vectors[key] = list(values)
    else:
        vectors[key] = [a + b for a, b in zip(old, values, strict=True)]
    variance[key] = variance.get(key, 0.0) + var


def _units(design: policy.Design) -> dict[str, dict[str, tuple]]:
    """What is shown as one: each question (its vectors), and the topic indicators."""
    units = {q.code: policy.vectors_of(q) for q in design.questions}
    if design.topics:
        units[policy.RISK_PREFIX] = {policy.RISK_PREFIX: design.topics}
    return units


def _empty(k: int, min_buyers: int) -> dict:
    return {
        "status": policy.TOO_FEW,
        "response_count": None,
        "buyer_count": None,
        "min_responses": k,
        "min_buyers": min_buyers,
        "epsilon": None,
        "questions": [],
    }


def insights(
    *,
    questionnaire: Questionnaire,
    industry: str | None = None,
    min_responses: int | None = None,
    min_buyers: int | None = None,
    breakdown: str | None = None,
) -> dict:
    """The insight for one questionnaire (optionally one buyer industry, and optionally broken
    down by supplier country or industry: `breakdown`), in the shape of a Summary Report
    release (policy.summarise), plus `buyer_count` and `min_buyers`.

    The noisy vectors themselves are not kept in the result (unlike a release, which needs
    them for the next one): a published page shows shares and margins only. `epsilon` is
    None: insights spend nothing of their own; each figure carries the guarantee of the
    releases it adds up.
    """
    k = min_responses or settings.CONFIDENTIALITY_DEFAULT_MIN_RESPONSES
    min_buyers = min_buyers or policy.min_buyers_default()
    design = policy.design_of(questionnaire.latest_version().parsed)
    outer = connection.in_atomic_block
    with transaction.atomic():
        if not outer:  # the releases and the tally's group sizes of the same moment
            snapshot_isolation()
        sources = _sources(questionnaire, industry)
        sizes = (
            _released_sizes(sources, DIMENSION_FIELDS[breakdown])
            if breakdown in INSIGHT_BREAKDOWNS
            else {}
        )

    # Which sources stand behind each unit (question, or the topic indicators).
    units = _units(design)
    behind: dict[str, frozenset[int]] = {}
    for code, keys in units.items():
        behind[code] = frozenset(
            i
            for i, source in enumerate(sources)
            if keys
            and all(
                _matches(source, key, cells, source.noisy["vectors"], source.noisy["variance"])
                for key, cells in keys.items()
            )
        )
    used = frozenset().union(*behind.values()) if behind else frozenset()
    total = sum(sources[i].responses for i in used)
    buyers = {sources[i].buyer for i in used}
    if not policy.pooled_enough(buyers=buyers, responses=total, k=k, min_buyers=min_buyers):
        return _empty(k, min_buyers)

    # One summary per set of sources: the shares of a question are against its own base.
    items: dict[str, dict] = {}
    indicators: list[dict] = []
    by_set: dict[frozenset[int], list[str]] = defaultdict(list)
    for code, members in behind.items():
        by_set[members].append(code)
    for members, codes in by_set.items():
        base = sum(sources[i].responses for i in members)
        backers = [sources[i].buyer for i in members]
        if not policy.pooled_enough(buyers=backers, responses=base, k=k, min_buyers=min_buyers):
            continue
        vectors: dict = {}
        variance: dict = {}
        for code in codes:
            for key in units[code]:
                for i in members:
                    noisy = sources[i].noisy
                    _add_into(vectors, variance, key, noisy["vectors"][key], noisy["variance"][key])
        summary = policy.summarise(
            design=design,
            total=base,
            k=k,
            cumulative={"vectors": vectors, "variance": variance, "groups": {}},
            epsilon=None,
        )
        for item in summary["questions"]:
            if item["code"] in codes:
                items[item["code"]] = {**item, "response_count": base}
        if policy.RISK_PREFIX in codes:
            indicators = summary["indicators"]

    questions = []
    for question in design.definition.questions:
        item = items.get(question.code)
        if item is None:
            status = policy.FREE_TEXT if question.is_text else policy.TOO_FEW_BUYERS
            item = {
                "code": question.code,
                "type": question.type,
                "topic": question.topic,
                "status": status,
            }
        questions.append(item)
    content = {
        "min_responses": k,
        "epsilon": None,
        "status": policy.OK,
        "response_count": total,
        "buyer_count": len(buyers),
        "min_buyers": min_buyers,
        "questions": questions,
        "indicators": indicators,
    }
    if breakdown in INSIGHT_BREAKDOWNS:
        content["breakdowns"] = [
            _breakdown(
                sources=[sources[i] for i in sorted(used)],
                sizes=sizes,
                design=design,
                dimension=breakdown,
                k=k,
                min_buyers=min_buyers,
            )
        ]
    return content


def _released_sizes(sources: list[_Source], field: str) -> dict[int, dict[str, int]]:
    """campaign id -> {group code: responses its latest release measured}, from the tally."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        TallyGroup.objects.filter(campaign_id__in=[s.campaign_id for s in sources])
        .values_list("campaign_id", field)
        .annotate(n=Sum("released_n"))
        .order_by()
    )
    for campaign_id, value, n in rows:
        if n:
            out[campaign_id][policy.group_code(value)] += n
    return out


def _breakdown(
    *,
    sources: list[_Source],
    sizes: dict[int, dict[str, int]],
    design: policy.Design,
    dimension: str,
    k: int,
    min_buyers: int,
) -> dict:
    """The insight by one supplier dimension: the sums of the released group vectors of the
    campaigns that declared it, each group shown only with k responses from at least
    `min_buyers` buyers (smaller ones merged into "other", as in a buyer's report)."""
    declaring = []
    for source in sources:
        measured = (source.noisy.get("groups") or {}).get(dimension)
        own = sizes.get(source.campaign_id, {})
        # The tally must describe exactly what the release measured, group by group.
        if (
            measured
            and sum(own.values()) == source.responses
            and all(group in measured["vectors"] for group in own)
        ):
            declaring.append((source, measured, own))
    # The questions every declaring campaign measured the way the latest version does: a
    # group's shares are against the group's size in all of them.
    questions = []
    for question in design.questions:
        keys = policy.vectors_of(question)
        if keys and all(
            all(
                _matches(source, key, cells, vectors, measured["group_variance"][group])
                for group, vectors in measured["vectors"].items()
                if group in own
                for key, cells in keys.items()
            )
            for source, measured, own in declaring
        ):
            questions.append(question)
    keys = [key for q in questions for key in policy.vectors_of(q)]
    group_sizes: dict[str, int] = defaultdict(int)
    group_buyers: dict[str, set[int]] = defaultdict(set)
    vectors: dict[str, dict] = defaultdict(dict)
    variance: dict[str, dict] = defaultdict(dict)
    for source, measured, own in declaring:
        for group, n in own.items():
            group_sizes[group] += n
            group_buyers[group].add(source.buyer)
            for key in keys:
                _add_into(
                    vectors[group],
                    variance[group],
                    key,
                    measured["vectors"][group][key],
                    measured["group_variance"][group][key],
                )

    cumulative = {
        "groups": {dimension: {"vectors": dict(vectors), "group_variance": dict(variance)}}
    }
    result = policy.summarise_breakdown(
        design=design,
        dimension=dimension,
        sizes=dict(group_sizes),
        k=k,
        cumulative=cumulative if declaring and keys else None,
        big_enough=policy.pooled_big_enough(
            sizes=group_sizes, buyers=group_buyers, k=k, min_buyers=min_buyers
        ),
    )
    shown = {q.code for q in questions}
    result["questions"] = [q for q in result["questions"] if q["code"] in shown]
    result["min_buyers"] = min_buyers
    return result
