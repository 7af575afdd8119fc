"""Breakdowns: a release's figures by one declared supplier dimension (country, industry...).

Group sizes are about participation, which differential privacy on answers does not cover,
so a group below k responses is never shown on its own: it is merged into "other", and
"other" is made large enough that no hidden group's size follows from the groups shown.
"""

from __future__ import annotations

from collections.abc import Callable

from hrdd.policy.design import Design, counts_values_only
from hrdd.policy.measure import add_variances, add_vectors
from hrdd.policy.summary import GRID, NO_BUDGET, OK, SHOWN, TOO_FEW, UNCERTAIN, question_item

OTHER = "_other"  # the groups below the minimum, together
UNKNOWN = "_unknown"  # responses without a value for the dimension
TOO_FEW_GROUPS = "too_few_groups"  # fewer than two groups of k or more: nothing to compare

BigEnough = Callable[[list[str]], bool]


def group_code(value: str) -> str:
    """The group code of a response's dimension value ("" is the "unknown" group)."""
    return value or UNKNOWN


def breakdown_groups(
    sizes: dict[str, int], k: int, big_enough: BigEnough | None = None
) -> tuple[list[str], list[str]]:
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


def _merged(
    measured: dict, sizes: dict[str, int], shown: list[str], other: list[str]
) -> dict[str, tuple[int, dict, dict]]:
    """group -> (responses, noisy vectors, variances) of each group shown and of "other",
    whose figures are the sums of its members' noisy counts."""
    members = {g: [g] for g in shown}
    if other:
        members[OTHER] = other
    merged = {}
    for group, values in members.items():
        vectors, variance = {}, {}
        for value in values:
            vectors = add_vectors(vectors, measured["vectors"].get(value, {}))
            variance = add_variances(variance, measured["group_variance"].get(value, {}))
        merged[group] = (sum(sizes.get(v, 0) for v in values), vectors, variance)
    return merged


def _question_rows(design: Design, merged: dict[str, tuple[int, dict, dict]]) -> list[dict]:
    """Each summarised question's figures group by group (free text and exact values are
    never broken down)."""
    questions = []
    for question in design.definition.questions:
        if question.is_text or counts_values_only(question):
            continue
        items = {
            group: question_item(question, vectors, variance, n)
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
    return questions


def summarise_breakdown(
    *,
    design: Design,
    dimension: str,
    sizes: dict[str, int],
    k: int,
    cumulative: dict | None,
    big_enough: BigEnough | None = None,
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
    merged = _merged(measured, sizes, shown, other)
    return {
        **base,
        "status": OK,
        "groups": [{"code": g, "response_count": merged[g][0]} for g in merged],
        "questions": _question_rows(design, merged),
    }
