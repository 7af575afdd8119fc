import math

from django.db import IntegrityError, connection, transaction

from hrdd.campaigns.models import Campaign
from hrdd.reports import policy
from hrdd.reports.models import ReportRelease
from hrdd.reports.selectors import (
    campaign_breakdown_counts,
    campaign_raw_counts,
    declared_dimensions,
)


def _snapshot_isolation() -> None:
    """Read all counts of a release from one snapshot, so the total and the cells agree.

    SQLite reads from one snapshot inside a transaction (and IMMEDIATE mode serialises
    writers); PostgreSQL needs REPEATABLE READ, set as the transaction's first statement.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


# A new release needs at least k new responses, and at least this share of those already
# released: releases stay few (about 200 from 5 to 100,000 responses instead of 20,000),
# each is a larger group of newcomers, and building one stays cheap (bench/report.py).
RELEASE_GROWTH = 0.05


def batch_size(k: int, already: int) -> int:
    return max(k, math.ceil(already * RELEASE_GROWTH))


def report_release_if_due(*, campaign_id: int) -> ReportRelease | None:
    """Make a new Summary Report release when the batch rule allows it; else do nothing.

    Due when at least `min_responses` responses (and 5 % of those already released) were
    submitted since the previous release (for the first release, `min_responses` in all),
    so that two releases never differ by fewer than that many suppliers. At close the same
    rule applies with k alone: up to k - 1 late responses may stay out of the final release,
    because showing them would isolate them.
    With breakdowns declared, the same release holds the protected tables by group.
    Safe to run twice or concurrently: release numbers are unique per campaign, so of two
    workers racing for the same release one makes it and the other does nothing.
    """
    try:
        return _release_if_due(campaign_id)
    except IntegrityError:
        # Another worker made the same release at the same moment: nothing left to do.
        return None


def _release_if_due(campaign_id: int) -> ReportRelease | None:
    outer = connection.in_atomic_block
    with transaction.atomic():
        if not outer:
            _snapshot_isolation()
        campaign = Campaign.objects.select_related("questionnaire_version").get(pk=campaign_id)
        previous = ReportRelease.objects.filter(campaign=campaign).order_by("-number").first()
        dimensions = declared_dimensions(campaign=campaign)
        groups: dict = {}
        if dimensions:
            total, counts, answered, groups = campaign_breakdown_counts(
                campaign=campaign, dimensions=dimensions
            )
        else:
            total, counts, answered = campaign_raw_counts(campaign=campaign)
        already = previous.response_count if previous else 0
        closed = campaign.state() == Campaign.State.CLOSED
        # At close no more responses can come, so the final release needs only k new ones.
        needed = campaign.min_responses if closed else batch_size(campaign.min_responses, already)
        if total - already < needed:
            return None
        earlier = list(
            ReportRelease.objects.filter(campaign=campaign)
            .order_by("number")
            .values_list("content", flat=True)
        )
        definition = campaign.questionnaire_version.parsed
        rules = policy.Rules(min_responses=campaign.min_responses)
        content = policy.summarise(
            definition=definition,
            total=total,
            counts=counts,
            answered=answered,
            rules=rules,
            earlier=earlier,
        )
        if dimensions:
            # Only the dimensions declared before anyone answered (rule 9), each protected
            # against the overall figures and every earlier release (rules 10-12).
            content["breakdowns"] = [
                policy.summarise_breakdown(
                    definition=definition,
                    overall=content,
                    dimension=dimension,
                    groups=groups[dimension],
                    rules=rules,
                    earlier=earlier,
                )
                for dimension in dimensions
            ]
        return ReportRelease.objects.create(
            campaign=campaign,
            number=(previous.number + 1) if previous else 1,
            response_count=total,
            reason=ReportRelease.Reason.CLOSE if closed else ReportRelease.Reason.BATCH,
            content=content,
        )
