"""The confidentiality policy: the only code that decides which figures a report may show.

Every surface that shows answers (report page, PDF, CSV/XLSX, insights, command line)
renders what this module released, never raw counts. The threat model is in
docs/privacy.md: the buyer chooses the supplier list, its addresses and attributes, can
answer through the public URL as often as it likes (or invent suppliers), runs as many
campaigns as it likes, chooses breakdowns and opens every release. Rules that look at one
release at a time (thresholds, cell suppression) cannot hold against that, so the figures
carry a formal guarantee instead: **differential privacy** (DP), with noise drawn and
accounted by OpenDP.

The guarantee, per answer. Whatever every other response is (all of them the buyer's own,
if it likes), the probability of any output it can see changes by at most a factor
e^epsilon (default e^1) when one supplier's answer to one question changes. The unit is the
answer together with the answers it makes appear or disappear (conditional questions): a
parent question and the follow-ups it shows are accounted together, so "no answer" counts
of follow-ups give nothing more away. The bound holds across everything the buyer sees:

- releases of one campaign measure disjoint batches of new responses, each response in one
  batch only (parallel composition): a report's cumulative figures are the sums of its
  batches' noisy counts, so the tenth release costs a supplier nothing more than the first;
- within a batch the budget is split between the question figures, the per-topic risk
  indicators and each declared breakdown (sequential composition);
- across campaigns, a buyer's campaigns on one questionnaire share one budget per
  accounting year (reports.services reserves it in the PrivacyReservation ledger);
- operator insights are sums of released figures (post-processing): they cost nothing.

What is shown: shares with their margin of error ("about 30 % (±6)"), computed from the
noisy counts; never a count. A question is shown once the margin of its shares is at most
PRIVACY_MAX_MARGIN points: the margin depends only on the noise scale and the number of
responses, never on the answers, so whether a figure is shown reveals nothing. Thresholds
that still serve stay: fewer than k responses show nothing (a report about 2 suppliers is
mostly noise and tells who answered); breakdown groups below k are merged (group sizes are
about participation, which DP on answers does not cover); free text and exact values are
never summarised.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import opendp.prelude as dp
from django.conf import settings
from django_countries import countries

from hrdd.questionnaires.conditions import referenced_questions
from hrdd.questionnaires.definition import COUNTRY, DATE, Definition, Question
from hrdd.responses.models import RISK_SIGNAL_OPTION, RISK_SIGNAL_PREFIX

dp.enable_features("contrib")

NO_ANSWER = "_none"
VALUE = "_value"  # a date or an unbanded number given (its value is never shown)
# Answer rows that mark a response with a risk signal on a topic: written when a response
# is submitted (responses.services.answer_rows), counted like answers, measured together.
RISK_PREFIX = RISK_SIGNAL_PREFIX
RISK_MARK = RISK_SIGNAL_OPTION

# Question status in a release.
SHOWN = "shown"  # shares with their margin
UNCERTAIN = "uncertain"  # measured, but the margin is still too wide to be useful
NO_BUDGET = "no_budget"  # the buyer's privacy budget for this questionnaire is spent
FREE_TEXT = "free_text"  # never shown in a summary
UNSUMMARISED = "unsummarised"  # dates, and numbers without declared bands: how many gave one
GRID = "grid"  # one partition per row

# What a release without any budget holds: nothing measured.
NOTHING_MEASURED = {"vectors": {}, "variance": {}, "groups": {}}

# Report status.
OK = "ok"
TOO_FEW = "too_few"

CONFIDENCE = 0.95
# Share of a campaign's budget spent on its declared breakdowns (split between them).
BREAKDOWN_SHARE = 0.5
# Bounds of the share of the overall budget spent on the per-topic risk indicators.
INDICATOR_SHARE = (0.15, 0.5)


def max_margin() -> int:
    return settings.PRIVACY_MAX_MARGIN


# --- What is measured --------------------------------------------------------------------


@cache
def _country_codes() -> tuple[str, ...]:
    return tuple(code for code, _name in countries)


def _counts_values_only(question: Question) -> bool:
    """Dates and numbers without bands: exact values identify, so only how many gave one
    (and each special answer) is counted."""
    return question.type == DATE or (question.is_numeric and not question.bands)


def vectors_of(question: Question) -> dict[str, tuple[str, ...]]:
    """The count vectors measured for a question: key -> cell codes. The cells never depend
    on the answers (a country nobody named is measured as a zero with noise), so that which
    cells exist tells nothing."""
    code = question.code
    specials = tuple(a.code for a in question.special_answers)
    if question.is_text:
        return {}
    if _counts_values_only(question):
        return {code: (VALUE, *specials, NO_ANSWER)}
    if question.is_grid:
        return {f"{code}.{row.code}": (*question.option_codes, NO_ANSWER) for row in question.rows}
    if question.is_numeric:
        return {code: (*(b.code for b in question.bands), *specials, NO_ANSWER)}
    if question.type == COUNTRY:
        return {code: (*_country_codes(), *specials, NO_ANSWER)}
    return {code: (*question.option_codes, NO_ANSWER)}


def sensitivity(question: Question) -> int:
    """How much one answer to the question can move its vectors together (L1 distance).

    In a partition (one answer per respondent, "no answer" included) a changed answer takes
    one from a cell and adds one to another: 2 per partition. In a multiple-choice question
    any option may flip, and "no answer" with them.
    """
    if question.is_text:
        return 0
    if question.is_multiple:
        return len(question.options) + 1
    return 2 * len(vectors_of(question))


@dataclass(frozen=True)
class Design:
    """What a questionnaire's release measures and how loud each measurement must be.

    `weight[x]` is the L1 sensitivity a question's noise is calibrated to: its own
    sensitivity times the number of measured questions in the largest family it belongs to
    (an answer and the follow-ups whose presence it decides), so that each member spends an
    equal part and one answer's whole family at most the budget share.
    `indicator_sensitivity` is how many topics' risk indicators one family can move.
    """

    definition: Definition
    weight: dict[str, int]
    topics: tuple[str, ...]
    indicator_sensitivity: int

    @property
    def questions(self) -> list[Question]:
        return [q for q in self.definition.questions if not q.is_text]


def _dependants(definition: Definition) -> dict[str, set[str]]:
    """question code -> codes of the questions whose visibility depends on it, transitively
    (question conditions and section conditions)."""
    direct: dict[str, set[str]] = {}
    for section in definition.sections:
        section_refs = referenced_questions(section.show_if) if section.show_if else []
        for question in section.questions:
            refs = list(section_refs)
            if question.show_if:
                refs += referenced_questions(question.show_if)
            for ref in refs:
                direct.setdefault(ref.split(".")[0], set()).add(question.code)
    out: dict[str, set[str]] = {}
    for question in definition.questions:
        seen: set[str] = set()
        todo = list(direct.get(question.code, ()))
        while todo:
            code = todo.pop()
            if code not in seen and code != question.code:
                seen.add(code)
                todo.extend(direct.get(code, ()))
        out[question.code] = seen
    return out


def design_of(definition: Definition) -> Design:
    by_code = {q.code: q for q in definition.questions}
    dependants = _dependants(definition)
    # The measured members of each family: an answer and the follow-ups it decides.
    families = {
        code: {m for m in (code, *dependants[code]) if not by_code[m].is_text} for code in by_code
    }
    weight = {}
    indicator = 0
    for code, question in by_code.items():
        # Every measured member of a family gets an equal share of the budget (whatever its
        # own sensitivity): a yes/no question that opens a grid keeps half, not a quarter.
        # A question in several families takes the smallest share any of them allows.
        largest = max((len(f) for f in families.values() if code in f), default=1)
        weight[code] = sensitivity(question) * largest
    for family in families.values():
        # A question's risky answers move its own topic's indicator (signalled_topics).
        touched = {by_code[m].topic for m in family if by_code[m].risk_signals}
        indicator = max(indicator, len(touched))
    topics = tuple(
        t
        for t in definition.topics
        if any(q.topic == t and q.risk_signals for q in by_code.values())
    )
    return Design(
        definition=definition, weight=weight, topics=topics, indicator_sensitivity=indicator
    )


# --- The budget of one batch -------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """How one batch spends a campaign's per-answer budget (epsilon): every answer is in
    the question figures, the topic indicators and each breakdown once."""

    questions: float
    indicators: float
    breakdown: float  # per declared dimension

    @property
    def total(self) -> float:
        return self.questions + self.indicators

    def spent(self, dimensions: int) -> float:
        return self.questions + self.indicators + dimensions * self.breakdown


def plan_batch(*, epsilon: float, batch: int, dimensions: int, design: Design) -> Plan:
    """Split `epsilon` for a batch of `batch` responses. The split depends only on public
    numbers (the batch's size, the declared dimensions): the indicators get what brings their
    margin within PRIVACY_MAX_MARGIN for this batch, within INDICATOR_SHARE of the overall
    budget, and the question figures the rest."""
    per_dimension = epsilon * BREAKDOWN_SHARE / dimensions if dimensions else 0.0
    overall = epsilon - per_dimension * dimensions
    if not design.topics or batch <= 0:
        return Plan(questions=overall, indicators=0.0, breakdown=per_dimension)
    needed = design.indicator_sensitivity * math.log(1 / (1 - CONFIDENCE))
    needed /= max_margin() / 100 * batch
    low, high = INDICATOR_SHARE
    indicators = min(max(needed, low * overall), high * overall)
    return Plan(questions=overall - indicators, indicators=indicators, breakdown=per_dimension)


def _scale(weight: int, epsilon: float) -> float:
    return weight / epsilon


@cache
def _mechanism(scale: float):
    """OpenDP's discrete Laplace mechanism on integer vectors (its sampler draws from the
    operating system's randomness; no floating-point noise to attack)."""
    return dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale
    )


def epsilon_of(scale: float, distance: int) -> float:
    """The privacy loss OpenDP's privacy map gives one measurement at this scale for input
    vectors `distance` apart (L1)."""
    return float(_mechanism(scale).map(distance))


def _noisy(vectors: dict[str, list[int]], scales: dict[str, float]) -> dict[str, list[int]]:
    """Add noise to every vector, one OpenDP measurement per scale."""
    by_scale: dict[float, list[str]] = {}
    for key in vectors:
        by_scale.setdefault(scales[key], []).append(key)
    out = {}
    for scale, keys in by_scale.items():
        flat = [v for key in keys for v in vectors[key]]
        noisy = _mechanism(scale)(flat)
        start = 0
        for key in keys:
            out[key] = noisy[start : start + len(vectors[key])]
            start += len(vectors[key])
    return out


# --- Raw counts of a batch into vectors ------------------------------------------------------


def raw_vectors(
    design: Design, total: int, counts: dict[str, dict[str, int]], answered: dict[str, int]
) -> dict[str, list[int]]:
    """The true count vectors of a set of responses (never stored, never shown)."""
    out = {}
    for question in design.questions:
        for key, cells in vectors_of(question).items():
            own = counts.get(key, {})
            if question.is_multiple:
                values = [own.get(c, 0) for c in cells[:-1]]
                values.append(total - answered.get(key, 0))
            elif cells[0] == VALUE:
                values = [answered.get(key, 0), *(own.get(c, 0) for c in cells[1:-1])]
                values.append(total - sum(values))
            else:
                values = [own.get(c, 0) for c in cells[:-1]]
                values.append(total - sum(values))
            out[key] = [max(0, v) for v in values]
    if design.topics:
        out[RISK_PREFIX] = [
            counts.get(RISK_PREFIX + topic, {}).get(RISK_MARK, 0) for topic in design.topics
        ]
    return out


def _scales(design: Design, plan: Plan, epsilon: float) -> dict[str, float]:
    scales = {}
    for question in design.questions:
        for key in vectors_of(question):
            scales[key] = _scale(design.weight[question.code], epsilon)
    if design.topics and plan.indicators > 0:
        scales[RISK_PREFIX] = _scale(design.indicator_sensitivity, plan.indicators)
    return scales


def measure_batch(
    *,
    design: Design,
    plan: Plan,
    batch: tuple[int, dict, dict],
    groups: dict[str, dict[str, tuple[int, dict, dict]]],
) -> dict:
    """Measure one batch of new responses with noise: the only place where true counts meet
    the output. `batch` = (responses, counts, answered) of the batch; `groups[dimension]
    [group] = (responses, counts, answered)` of the batch by the values of each declared
    dimension (every group, also those without a new response, is measured).

    Returns the noisy vectors and the variance of each (public: it is what the batch
    released), in the shape `accumulate` adds up.
    """
    overall_scales = _scales(design, plan, plan.questions)
    if RISK_PREFIX in overall_scales and plan.indicators <= 0:
        overall_scales.pop(RISK_PREFIX)
    vectors = raw_vectors(design, *batch)
    vectors = {k: v for k, v in vectors.items() if k in overall_scales}
    out = {
        "vectors": _noisy(vectors, overall_scales),
        "variance": {k: _variance(s) for k, s in overall_scales.items()},
        "groups": {},
    }
    for dimension, by_group in groups.items():
        scales = {
            k: s for k, s in _scales(design, plan, plan.breakdown).items() if k != RISK_PREFIX
        }
        variance = {k: _variance(s) for k, s in scales.items()}
        measured, group_variance = {}, {}
        for group, raw in by_group.items():
            vectors = {k: v for k, v in raw_vectors(design, *raw).items() if k in scales}
            measured[group] = _noisy(vectors, scales)
            group_variance[group] = dict(variance)
        out["groups"][dimension] = {"vectors": measured, "group_variance": group_variance}
    return out


def _variance(scale: float) -> float:
    return 2 * scale * scale


def loss_per_answer(design: Design, plan: Plan, dimensions: int) -> float:
    """The largest privacy loss of one answer (with its family) in one batch, computed with
    OpenDP's privacy maps of the measurements actually used: the accounting tests and the
    release check it against the budget."""
    by_code = {q.code: q for q in design.questions}
    dependants = _dependants(design.definition)
    worst = 0.0
    for code, _question in by_code.items():
        family = [by_code[m] for m in {code, *dependants.get(code, ())} if m in by_code]
        loss = 0.0
        for member in family:
            weight = design.weight[member.code]
            loss += epsilon_of(_scale(weight, plan.questions), sensitivity(member))
            if dimensions and plan.breakdown > 0:
                loss += dimensions * epsilon_of(_scale(weight, plan.breakdown), sensitivity(member))
        if design.topics and plan.indicators > 0:
            loss += epsilon_of(
                _scale(design.indicator_sensitivity, plan.indicators),
                design.indicator_sensitivity,
            )
        worst = max(worst, loss)
    return worst


# --- Adding up batches --------------------------------------------------------------------


def _add(a: dict, b: dict) -> dict:
    out = dict(a)
    for key, values in b.items():
        old = out.get(key)
        out[key] = values if old is None else [x + y for x, y in zip(old, values, strict=True)]
    return out


def _add_variance(a: dict, b: dict) -> dict:
    return {k: a.get(k, 0.0) + b.get(k, 0.0) for k in {*a, *b}}


def accumulate(previous: dict | None, batch: dict) -> dict:
    """The cumulative noisy vectors after one more batch (sums of the batches' noisy counts,
    their variances added): what a release keeps for the next one."""
    if not previous:
        return batch
    groups = {}
    for dimension in {*previous.get("groups", {}), *batch.get("groups", {})}:
        empty = {"vectors": {}, "group_variance": {}}
        old = previous.get("groups", {}).get(dimension, empty)
        new = batch.get("groups", {}).get(dimension, empty)
        vectors, variance = dict(old["vectors"]), dict(old["group_variance"])
        for group, measured in new["vectors"].items():
            vectors[group] = _add(vectors.get(group, {}), measured)
            variance[group] = _add_variance(variance.get(group, {}), new["group_variance"][group])
        groups[dimension] = {"vectors": vectors, "group_variance": variance}
    return {
        "vectors": _add(previous["vectors"], batch["vectors"]),
        "variance": _add_variance(previous["variance"], batch["variance"]),
        "groups": groups,
    }


# --- From noisy counts to shares ------------------------------------------------------------


def margin_points(variance: float, base: int) -> int | None:
    """The half-width of the 95 % interval of a share, in percentage points (rounded up).

    The noise of one batch is Laplace: its 95 % bound is scale x ln 20; several batches add
    up to something close to normal, bounded here by two standard deviations, and never less
    than the one-batch bound of the same variance."""
    if base <= 0:
        return None
    scale = math.sqrt(variance / 2)
    count = max(scale * math.log(1 / (1 - CONFIDENCE)), 2 * math.sqrt(variance))
    # The tolerance keeps a margin computed to be exactly the limit from rounding up past it.
    return max(1, math.ceil(100 * count / base - 1e-9))


def _project(values: list[float], total: int) -> list[float]:
    """The nearest non-negative counts that add up to `total` (Euclidean projection onto the
    simplex): post-processing that removes negative counts and restores the known total."""
    if total <= 0:
        return [0.0] * len(values)
    ordered = sorted(values, reverse=True)
    cumulative, theta = 0.0, 0.0
    for i, v in enumerate(ordered, start=1):
        cumulative += v
        t = (cumulative - total) / i
        if v - t > 0:
            theta = t
    return [max(v - theta, 0.0) for v in values]


def _share(value: float, base: int) -> int:
    return max(0, min(100, round(100 * value / base))) if base else 0


def _partition(cells: tuple[str, ...], noisy: list[int], variance: float, base: int) -> dict:
    estimates = _project([float(v) for v in noisy], base)
    margin = margin_points(variance, base)
    return {
        "status": SHOWN if margin is not None and margin <= max_margin() else UNCERTAIN,
        "margin": margin,
        "cells": {c: _share(e, base) for c, e in zip(cells, estimates, strict=True)},
    }


def _options(cells: tuple[str, ...], noisy: list[int], variance: float, base: int) -> dict:
    margin = margin_points(variance, base)
    return {
        "status": SHOWN if margin is not None and margin <= max_margin() else UNCERTAIN,
        "margin": margin,
        "cells": {c: _share(min(max(v, 0), base), base) for c, v in zip(cells, noisy, strict=True)},
    }


def _question_item(question: Question, vectors: dict, variance: dict, base: int) -> dict:
    item = {"code": question.code, "type": question.type, "topic": question.topic}
    if question.is_text:
        return {**item, "status": FREE_TEXT}
    measured = vectors_of(question)
    if any(key not in vectors for key in measured):
        return {**item, "status": NO_BUDGET}
    if question.is_grid:
        rows = {
            key.split(".", 1)[1]: _partition(cells, vectors[key], variance[key], base)
            for key, cells in measured.items()
        }
        status = GRID if any(r["status"] == SHOWN for r in rows.values()) else UNCERTAIN
        return {**item, "status": status, "rows": rows}
    ((key, cells),) = measured.items()
    if question.is_multiple:
        result = _options(cells, vectors[key], variance[key], base)
    else:
        result = _partition(cells, vectors[key], variance[key], base)
    if cells[0] == VALUE:
        return {**item, "status": UNSUMMARISED, "answers": result}
    return {**item, **result}


def _indicators(design: Design, vectors: dict, variance: dict, base: int) -> list[dict]:
    if not design.topics or RISK_PREFIX not in vectors:
        return []
    margin = margin_points(variance[RISK_PREFIX], base)
    status = SHOWN if margin is not None and margin <= max_margin() else UNCERTAIN
    return [
        {
            "topic": topic,
            "status": status,
            "share": _share(min(max(v, 0), base), base),
            "margin": margin,
        }
        for topic, v in zip(design.topics, vectors[RISK_PREFIX], strict=True)
    ]


def summarise(
    *, design: Design, total: int, k: int, cumulative: dict | None, epsilon: float
) -> dict:
    """The releasable Summary Report from the cumulative noisy vectors of every batch so far
    (`cumulative`), as JSON-ready data: shares and margins by code, and the noisy vectors
    themselves (public, kept for the next release). `total` is the number of responses the
    batches hold."""
    base = {"min_responses": k, "epsilon": epsilon}
    if total < k or cumulative is None:
        return {**base, "status": TOO_FEW, "response_count": None, "questions": []}
    vectors, variance = cumulative["vectors"], cumulative["variance"]
    return {
        **base,
        "status": OK,
        "response_count": total,
        "questions": [
            _question_item(q, vectors, variance, total) for q in design.definition.questions
        ],
        "indicators": _indicators(design, vectors, variance, total),
        "noisy": cumulative,
    }


# --- Breakdowns ---------------------------------------------------------------------------

OTHER = "_other"  # the groups below the minimum, together
UNKNOWN = "_unknown"  # responses without a value for the dimension
TOO_FEW_GROUPS = "too_few_groups"  # fewer than two groups of k or more: nothing to compare


def group_code(value: str) -> str:
    """The group code of a response's dimension value ("" is the "unknown" group)."""
    return value or UNKNOWN


def breakdown_groups(sizes: dict[str, int], k: int, big_enough=None) -> tuple[list[str], list[str]]:
    """Rule 9: (groups shown on their own, groups merged into "other") for group sizes.

    A group is shown on its own when it has k or more responses (`big_enough` may ask for
    more, e.g. distinct buyers in insights). The others are merged into "other"; if that
    holds fewer than k responses, the smallest shown groups join it until it holds k, so
    that a hidden group's size is never the total minus the groups shown (and "other"
    always merges two groups or more). Shown groups come largest first.
    """
    big_enough = big_enough or (lambda members: sum(sizes[m] for m in members) >= k)
    shown = sorted(
        (g for g, n in sizes.items() if n > 0 and big_enough([g])), key=lambda g: (sizes[g], g)
    )
    other = sorted(g for g, n in sizes.items() if n > 0 and g not in shown)
    while other and not big_enough(other) and shown:
        other.append(shown.pop(0))
    if other and not big_enough(other):
        return [], sorted(g for g, n in sizes.items() if n > 0)
    shown.sort(key=lambda g: (-sizes[g], g))
    return shown, other


def summarise_breakdown(
    *,
    design: Design,
    dimension: str,
    sizes: dict[str, int],
    k: int,
    cumulative: dict | None,
    big_enough=None,
) -> dict:
    """The releasable breakdown by one declared dimension: each group's shares with their
    margins, from the noisy group vectors (`cumulative["groups"][dimension]`). `sizes` are
    the groups' numbers of responses (group_code -> n). Groups below k are merged into
    "other" (breakdown_groups), whose figures are the sums of its members' noisy counts.
    `big_enough(values)` lets operator insights ask for distinct buyers too."""
    base = {"dimension": dimension, "min_responses": k}
    if cumulative is not None and not cumulative.get("vectors") and not cumulative.get("groups"):
        # Nothing was ever measured: the buyer's budget for the year was spent elsewhere.
        return {**base, "status": NO_BUDGET, "groups": [], "questions": []}
    measured = ((cumulative or {}).get("groups") or {}).get(dimension)
    if not measured:
        return {**base, "status": TOO_FEW, "groups": [], "questions": []}
    shown, other = breakdown_groups(sizes, k, big_enough)
    if len(shown) + (1 if other else 0) < 2:
        return {**base, "status": TOO_FEW_GROUPS, "groups": [], "questions": []}
    members = {g: [g] for g in shown}
    if other:
        members[OTHER] = other
    merged = {}
    for group, values in members.items():
        vectors, variance = {}, {}
        for value in values:
            vectors = _add(vectors, measured["vectors"].get(value, {}))
            variance = _add_variance(variance, measured["group_variance"].get(value, {}))
        merged[group] = (sum(sizes.get(v, 0) for v in values), vectors, variance)
    questions = []
    for question in design.definition.questions:
        if question.is_text or _counts_values_only(question):
            continue
        items = {
            group: _question_item(question, vectors, variance, n)
            for group, (n, vectors, variance) in merged.items()
        }
        shown_any = any(i["status"] in (SHOWN, GRID) for i in items.values())
        questions.append(
            {
                "code": question.code,
                "type": question.type,
                "topic": question.topic,
                "status": (GRID if question.is_grid else SHOWN) if shown_any else UNCERTAIN,
                "groups": items,
            }
        )
    return {
        **base,
        "status": OK,
        "groups": [{"code": g, "response_count": merged[g][0]} for g in merged],
        "questions": questions,
    }


# --- Per-supplier data (disclosed campaigns) ------------------------------------------------


DETAILED_OK = "ok"
DETAILED_CONFIDENTIAL = "confidential"  # no per-supplier data exists for the buyer: 404
DETAILED_NEEDS_PLAN = "needs_paid_plan"  # exists, but the buyer's plan does not include it: 403


def detailed_report_access(campaign) -> str:
    """Whether a buyer may see one supplier's answers in this campaign, and if not, why.

    Only in a disclosed campaign (each supplier agreed, before answering, that this buyer
    sees its answers) and only on the paid plan. Every surface (page, export, PDF, API,
    command) asks this function; the responses shown are only those with recorded consent.
    """
    from hrdd.campaigns.models import Campaign
    from hrdd.organisations.models import Organisation

    if campaign.mode != Campaign.Mode.DISCLOSED:
        return DETAILED_CONFIDENTIAL
    if campaign.organisation.plan != Organisation.Plan.PAID:
        return DETAILED_NEEDS_PLAN
    return DETAILED_OK


def response_status_access(campaign) -> bool:
    """Whether the buyer may see, supplier by supplier, who has started or submitted.

    Who answered is identifiable data: in a confidential campaign the buyer must never learn
    it, nor anything that follows from it (how many were reminded, reminder delivery). In a
    disclosed campaign every response was started after the supplier agreed that this buyer
    sees its answers under its name, so its status may be shown (issue 5: "In a disclosed
    campaign it sees per-supplier status"). Unlike the Detailed Report this does not depend
    on the plan: it shows no answer, only what the buyer needs to follow up its invitations.
    Callers that show it per supplier write an audit entry (AuditEntry.Action.SUPPLIER_STATUS).
    """
    from hrdd.campaigns.models import Campaign

    return campaign.mode == Campaign.Mode.DISCLOSED


# Progress bands of "how many responses so far", above the first one.
RESPONSE_BAND_EDGES = (10, 25, 50, 100, 250, 500)


def response_band(count: int, k: int) -> tuple[int, int | None]:
    """(low, high) of the band of `count` submitted responses that the buyer is shown;
    high is None for the open-ended top band.

    The buyer sees progress, never an exact live count: watching the number move must not
    tell it when a given supplier answered. The first band runs from 0 to k - 1, so the
    buyer cannot even see that the first supplier has answered (from 0 to 1), which in a
    campaign it can follow supplier by supplier would say who did.
    """
    if count < k:
        return 0, k - 1
    edges = [k, *(edge for edge in RESPONSE_BAND_EDGES if edge > k)]
    for low, high in zip(edges, edges[1:], strict=False):
        if low <= count < high:
            return low, high - 1
    top = edges[-1]
    while count >= top * 2:
        top *= 2
    return top, None
