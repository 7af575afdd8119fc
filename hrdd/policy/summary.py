"""From noisy counts to what a report shows: shares with their margin of error.

Never a count. A figure is shown once the margin of its shares is at most
PRIVACY_MAX_MARGIN points: the margin depends only on the noise scale and the number of
responses, never on the answers, so whether a figure is shown reveals nothing. Fewer than k
responses show nothing; free text and exact values are never summarised.
"""

from __future__ import annotations

import math

from hrdd.policy.budget import max_margin
from hrdd.policy.design import RISK_PREFIX, VALUE, Design, vectors_of
from hrdd.policy.mechanism import CONFIDENCE
from hrdd.questionnaires.definition import Question

# Question status in a release.
SHOWN = "shown"  # shares with their margin
UNCERTAIN = "uncertain"  # measured, but the margin is still too wide to be useful
NO_BUDGET = "no_budget"  # the buyer's privacy budget for this questionnaire is spent
FREE_TEXT = "free_text"  # never shown in a summary
UNSUMMARISED = "unsummarised"  # dates, and numbers without declared bands: how many gave one
GRID = "grid"  # one partition per row

# Report status.
OK = "ok"
TOO_FEW = "too_few"


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


def _status(margin: int | None) -> str:
    return SHOWN if margin is not None and margin <= max_margin() else UNCERTAIN


def project(values: list[float], total: int) -> list[float]:
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
    estimates = project([float(v) for v in noisy], base)
    margin = margin_points(variance, base)
    return {
        "status": _status(margin),
        "margin": margin,
        "cells": {c: _share(e, base) for c, e in zip(cells, estimates, strict=True)},
    }


def _options(cells: tuple[str, ...], noisy: list[int], variance: float, base: int) -> dict:
    margin = margin_points(variance, base)
    return {
        "status": _status(margin),
        "margin": margin,
        "cells": {c: _share(min(max(v, 0), base), base) for c, v in zip(cells, noisy, strict=True)},
    }


def question_item(question: Question, vectors: dict, variance: dict, base: int) -> dict:
    """What a report shows of one question from its noisy vectors, over `base` responses."""
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
    status = _status(margin)
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
    *, design: Design, total: int, k: int, cumulative: dict | None, epsilon: float | None
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
            question_item(q, vectors, variance, total) for q in design.definition.questions
        ],
        "indicators": _indicators(design, vectors, variance, total),
        "noisy": cumulative,
    }
