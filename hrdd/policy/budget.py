"""The privacy budget: how much a campaign may spend, and how one batch spends it.

A buyer's campaigns on one questionnaire share PRIVACY_EPSILON per accounting year (the
year the campaign opened): a campaign reserves what is left on its first release, and the
reports app writes that reservation in its ledger (PrivacyReservation). Within a release the
budget is split between the question figures, the per-topic risk indicators and each
declared breakdown (sequential composition); releases of one campaign measure disjoint
batches (parallel composition), so each batch may spend the whole reservation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from hrdd.policy.design import Design, dependants, sensitivity
from hrdd.policy.mechanism import CONFIDENCE, epsilon_of, scale

# Share of a campaign's budget spent on its declared breakdowns (split between them).
BREAKDOWN_SHARE = 0.5
# Bounds of the share of the overall budget spent on the per-topic risk indicators.
INDICATOR_SHARE = (0.15, 0.5)
# Below this a budget is spent: a campaign reserves nothing rather than a sliver whose
# noise would hide every figure.
MIN_RESERVATION = 0.01
# Rounding slack when the accounted loss is compared with the budget.
_TOLERANCE = 1e-9


def yearly_budget() -> float:
    """A buyer's budget (epsilon) per questionnaire and accounting year."""
    return settings.PRIVACY_EPSILON


def budget_left(reserved: Iterable[float]) -> float:
    """What a buyer's yearly budget leaves after the reservations already made from it."""
    return max(0.0, yearly_budget() - sum(reserved))


def budget_spent(left: float) -> bool:
    """Whether a budget left is too small for a campaign to reserve anything."""
    return left < MIN_RESERVATION


def reservation(left: float) -> float:
    """How much a campaign reserves on its first release, from what its buyer's budget for
    the questionnaire and year has left: all of it (a second campaign that year gets what
    the first left, nothing by default, and its report says so)."""
    return 0.0 if budget_spent(left) else left


def max_margin() -> int:
    """The widest margin (in percentage points) with which a figure is shown."""
    return settings.PRIVACY_MAX_MARGIN


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


def loss_per_answer(design: Design, plan: Plan, dimensions: int) -> float:
    """The largest privacy loss of one answer (with its family) in one batch, computed with
    OpenDP's privacy maps of the measurements actually used: the accounting tests and the
    release check it against the budget."""
    by_code = {q.code: q for q in design.questions}
    below = dependants(design.definition)
    worst = 0.0
    for code in by_code:
        family = [by_code[m] for m in {code, *below.get(code, ())} if m in by_code]
        loss = 0.0
        for member in family:
            weight = design.weight[member.code]
            loss += epsilon_of(scale(weight, plan.questions), sensitivity(member))
            if dimensions and plan.breakdown > 0:
                loss += dimensions * epsilon_of(scale(weight, plan.breakdown), sensitivity(member))
        if design.topics and plan.indicators > 0:
            loss += epsilon_of(
                scale(design.indicator_sensitivity, plan.indicators),
                design.indicator_sensitivity,
            )
        worst = max(worst, loss)
    return worst


def check_within_budget(spent: float, epsilon: float) -> None:
    """The accounting is the guarantee: a release that would spend more than its budget is
    never made."""
    if spent > epsilon + _TOLERANCE:
        raise RuntimeError(f"Release would spend {spent} of {epsilon}")
