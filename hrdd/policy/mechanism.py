"""The noise and its guarantee: OpenDP's discrete Laplace mechanism on integer counts.

Nothing else in the platform draws noise or computes a privacy loss. A scale is a
measurement's L1 sensitivity divided by the epsilon it may spend; `epsilon_of` asks OpenDP's
privacy map what a measurement at that scale really costs, and the release checks its
accounting against the budget with it (budget.loss_per_answer).
"""

from __future__ import annotations

from functools import cache

import opendp.prelude as dp

dp.enable_features("contrib")

# The confidence of every margin of error and of the noise bound the budget plans for.
CONFIDENCE = 0.95


def scale(weight: int, epsilon: float) -> float:
    """The noise scale that spends `epsilon` on a measurement of L1 sensitivity `weight`."""
    return weight / epsilon


def variance(noise_scale: float) -> float:
    """The variance of the discrete Laplace noise at this scale (public: it is released)."""
    return 2 * noise_scale * noise_scale


@cache
def _mechanism(noise_scale: float):
    """OpenDP's discrete Laplace mechanism on integer vectors (its sampler draws from the
    operating system's randomness; no floating-point noise to attack)."""
    return dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=noise_scale
    )


def epsilon_of(noise_scale: float, distance: int) -> float:
    """The privacy loss OpenDP's privacy map gives one measurement at this scale for input
    vectors `distance` apart (L1)."""
    return float(_mechanism(noise_scale).map(distance))


def add_noise(vectors: dict[str, list[int]], scales: dict[str, float]) -> dict[str, list[int]]:
    """Add noise to every vector, one OpenDP measurement per scale."""
    by_scale: dict[float, list[str]] = {}
    for key in vectors:
        by_scale.setdefault(scales[key], []).append(key)
    out = {}
    for noise_scale, keys in by_scale.items():
        flat = [v for key in keys for v in vectors[key]]
        noisy = _mechanism(noise_scale)(flat)
        start = 0
        for key in keys:
            out[key] = noisy[start : start + len(vectors[key])]
            start += len(vectors[key])
    return out
