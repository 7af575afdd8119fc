"""When a release is due (docs/privacy.md, "Release schedule").

Every batch is measured once and its noise stays in every later figure, so a few large
batches keep the reports precise: before close the first release waits for
PRIVACY_FIRST_RELEASE responses, each later one until the responses have doubled (a campaign
of 100,000 responses has about 10 releases); at close the responses not yet released are
measured if there are at least k of them.
"""

from __future__ import annotations

from django.conf import settings


def first_release(k: int) -> int:
    """How many responses a campaign's first release waits for before close."""
    return max(k, settings.PRIVACY_FIRST_RELEASE)


def batch_size(k: int, already: int) -> int:
    """How many new responses the next release waits for before close, when `already`
    responses are in earlier releases: the first release's size, then doubling."""
    if already == 0:
        return first_release(k)
    return max(k, already)


def release_due(*, k: int, total: int, already: int, closed: bool) -> bool:
    """Whether `total` counted responses, `already` of them released, make a new release.

    At close k new ones are enough (up to k - 1 late responses stay out of the final
    release: a report of fewer than k responses is never made, and adding them would add
    noise to every figure for almost nothing)."""
    needed = k if closed else batch_size(k, already)
    return total >= k and total - already >= needed
