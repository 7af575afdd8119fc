"""Measuring a batch of responses with noise, and adding the batches up.

The only place where true counts meet the output. A release measures the responses counted
since the previous one, once (`measure_batch`), and adds its noisy vectors to the previous
release's (`accumulate`): each response is in one batch only, so a campaign's releases
compose in parallel and the tenth costs a supplier nothing more than the first.
"""

from __future__ import annotations

from hrdd.policy.budget import Plan, check_within_budget, loss_per_answer, plan_batch
from hrdd.policy.design import RISK_MARK, RISK_PREFIX, VALUE, Design, vectors_of
from hrdd.policy.mechanism import add_noise, scale, variance

# What a release without any budget holds: nothing measured.
NOTHING_MEASURED = {"vectors": {}, "variance": {}, "groups": {}}


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


def scales_of(design: Design, plan: Plan, epsilon: float) -> dict[str, float]:
    """vector key -> noise scale, for the question figures spending `epsilon` per answer
    family, and for the topic indicators spending the plan's share."""
    scales = {}
    for question in design.questions:
        for key in vectors_of(question):
            scales[key] = scale(design.weight[question.code], epsilon)
    if design.topics and plan.indicators > 0:
        scales[RISK_PREFIX] = scale(design.indicator_sensitivity, plan.indicators)
    return scales


def _measure_groups(design: Design, plan: Plan, by_group: dict[str, tuple]) -> dict:
    """The noisy vectors of one declared dimension, group by group (no indicators)."""
    scales = {k: s for k, s in scales_of(design, plan, plan.breakdown).items() if k != RISK_PREFIX}
    group_variance = {k: variance(s) for k, s in scales.items()}
    measured, variances = {}, {}
    for group, raw in by_group.items():
        vectors = {k: v for k, v in raw_vectors(design, *raw).items() if k in scales}
        measured[group] = add_noise(vectors, scales)
        variances[group] = dict(group_variance)
    return {"vectors": measured, "group_variance": variances}


def measure_batch(
    *,
    design: Design,
    plan: Plan,
    batch: tuple[int, dict, dict],
    groups: dict[str, dict[str, tuple[int, dict, dict]]],
) -> dict:
    """Measure one batch of new responses with noise. `batch` = (responses, counts,
    answered) of the batch; `groups[dimension][group] = (responses, counts, answered)` of
    the batch by the values of each declared dimension (every group, also those without a
    new response, is measured).

    Returns the noisy vectors and the variance of each (public: it is what the batch
    released), in the shape `accumulate` adds up.
    """
    overall_scales = scales_of(design, plan, plan.questions)
    if RISK_PREFIX in overall_scales and plan.indicators <= 0:
        overall_scales.pop(RISK_PREFIX)
    vectors = raw_vectors(design, *batch)
    vectors = {k: v for k, v in vectors.items() if k in overall_scales}
    return {
        "vectors": add_noise(vectors, overall_scales),
        "variance": {k: variance(s) for k, s in overall_scales.items()},
        "groups": {
            dimension: _measure_groups(design, plan, by_group)
            for dimension, by_group in groups.items()
        },
    }


def add_vectors(a: dict, b: dict) -> dict:
    """Vectors added key by key (a key in one only is kept as it is)."""
    out = dict(a)
    for key, values in b.items():
        old = out.get(key)
        out[key] = values if old is None else [x + y for x, y in zip(old, values, strict=True)]
    return out


def add_variances(a: dict, b: dict) -> dict:
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
        vectors, variances = dict(old["vectors"]), dict(old["group_variance"])
        for group, measured in new["vectors"].items():
            vectors[group] = add_vectors(vectors.get(group, {}), measured)
            variances[group] = add_variances(variances.get(group, {}), new["group_variance"][group])
        groups[dimension] = {"vectors": vectors, "group_variance": variances}
    return {
        "vectors": add_vectors(previous["vectors"], batch["vectors"]),
        "variance": add_variances(previous["variance"], batch["variance"]),
        "groups": groups,
    }


def measure_release(
    *,
    design: Design,
    epsilon: float,
    batch: tuple[int, dict, dict],
    groups: dict[str, dict[str, tuple[int, dict, dict]]],
    dimensions: int,
    previous: dict | None,
) -> tuple[dict, float]:
    """(the cumulative noisy vectors, the loss per answer spent) of a release that measures
    `batch` (and its `groups` by each of the `dimensions` declared) with a reservation of
    `epsilon` on top of the `previous` release's noisy vectors.

    Without budget nothing new is measured: the previous figures stay as they were. A batch
    whose accounted loss (OpenDP's privacy maps) would exceed `epsilon` is never measured.
    """
    if epsilon <= 0:
        return previous or NOTHING_MEASURED, 0.0
    plan = plan_batch(epsilon=epsilon, batch=batch[0], dimensions=dimensions, design=design)
    spent = loss_per_answer(design, plan, dimensions)
    check_within_budget(spent, epsilon)
    measured = measure_batch(design=design, plan=plan, batch=batch, groups=groups)
    return accumulate(previous, measured), spent
