"""Operator insights: figures pooled across buyers.

Insights add up what the buyers' releases already published (post-processing: they spend no
budget), but no buyer's supply chain may be read from them (DESIGN.md): a pooled figure, a
question and every group of a breakdown must come from at least INSIGHTS_MIN_BUYERS
distinct buyers (default 3) and k responses, or it is not shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings

from hrdd.policy.breakdowns import BigEnough

# A question whose figures come from the campaigns of fewer than the minimum of buyers (or
# from fewer than the minimum of responses): not shown.
TOO_FEW_BUYERS = "too_few_buyers"


def min_buyers_default() -> int:
    """How many distinct buyers a pooled figure needs unless the operator asks for more."""
    return getattr(settings, "INSIGHTS_MIN_BUYERS", 3)


def pooled_enough(*, buyers: Iterable[int], responses: int, k: int, min_buyers: int) -> bool:
    """Whether figures pooled from these buyers' campaigns, over `responses` responses, may
    be shown: at least `min_buyers` distinct buyers and k responses."""
    return len(set(buyers)) >= min_buyers and responses >= k


def pooled_big_enough(
    *,
    sizes: Mapping[str, int],
    buyers: Mapping[str, set[int]],
    k: int,
    min_buyers: int,
) -> BigEnough:
    """The rule for the groups of a pooled breakdown (breakdown_groups' `big_enough`): a
    set of groups is big enough with k responses from `min_buyers` distinct buyers, given
    each group's size and the buyers behind it."""

    def big_enough(members: list[str]) -> bool:
        backed = set().union(*(buyers[m] for m in members))
        return pooled_enough(
            buyers=backed, responses=sum(sizes[m] for m in members), k=k, min_buyers=min_buyers
        )

    return big_enough
