import math

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from hrdd.campaigns.models import Campaign
from hrdd.reports import policy
from hrdd.reports.models import ReportRelease
from hrdd.reports.selectors import declared_dimensions
from hrdd.reports.tally import snapshot_isolation, tally_counts, tally_total, tally_update

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


def report_schedule_close_release(*, campaign: Campaign) -> None:
    """Have the worker make the final release when the campaign closes (on commit).

    Called when a campaign is created and whenever its close date changes. The run carries
    the close date it was scheduled for: a run for a date that has since moved does nothing
    (the new date has its own run), and two runs for the same date make one release (see
    report_release_if_due). Campaigns that missed their run are caught by `release_reports`.
    """
    from hrdd.reports.tasks import release_at_close

    campaign_id, closes_at = campaign.pk, campaign.closes_at
    transaction.on_commit(
        lambda: release_at_close.using(run_after=closes_at).enqueue(
            campaign_id=campaign_id, closes_at=closes_at.isoformat()
        )
    )


def campaigns_missing_final_release(*, now=None) -> QuerySet[Campaign]:
    """Closed campaigns that hold at least `min_responses` submitted responses not yet in a
    release: their final release is due (at close the batch rule needs only k new ones)."""
    from hrdd.responses.models import Response

    submitted = (
        Response.objects.filter(campaign=OuterRef("pk"), status=Response.Status.SUBMITTED)
        .order_by()
        .values("campaign")
        .annotate(n=Count("pk"))
        .values("n")
    )
    released = (
        ReportRelease.objects.filter(campaign=OuterRef("pk"))
        .order_by("-number")
        .values("response_count")[:1]
    )
    return (
        Campaign.objects.filter(closes_at__lte=now or timezone.now())
        .annotate(
            submitted=Coalesce(Subquery(submitted), 0),
            released=Coalesce(Subquery(released), 0),
        )
        .filter(submitted__gte=F("released") + F("min_responses"))
        .order_by("closes_at", "pk")
    )


def report_release_overdue(*, now=None) -> list[ReportRelease]:
    """Make the final release of every closed campaign that is missing it (the safety net
    for a close-date run that was lost, e.g. a Redis flush or a campaign edited outside the
    application). Safe to run at any time and as often as wanted."""
    made = []
    for campaign_id in campaigns_missing_final_release(now=now).values_list("pk", flat=True):
        release = report_release_if_due(campaign_id=campaign_id)
        if release is not None:
            made.append(release)
    return made


def _release_if_due(campaign_id: int) -> ReportRelease | None:
    # First the responses submitted since the last run are added to the counts (in their
    # own transaction), then the release reads the counts, not the answers.
    tally_update(campaign_id=campaign_id)
    outer = connection.in_atomic_block
    with transaction.atomic():
        if not outer:
            snapshot_isolation()
        campaign = (
            Campaign.objects.select_related("questionnaire_version")
            .defer("questionnaire_version__definition")  # parsed once per process
            .get(pk=campaign_id)
        )
        previous = ReportRelease.objects.filter(campaign=campaign).order_by("-number").first()
        total = tally_total(campaign_id=campaign_id)
        already = previous.response_count if previous else 0
        closed = campaign.state() == Campaign.State.CLOSED
        # At close no more responses can come, so the final release needs only k new ones.
        needed = campaign.min_responses if closed else batch_size(campaign.min_responses, already)
        if total - already < needed:
            return None
        dimensions = declared_dimensions(campaign=campaign)
        counts, answered, groups = tally_counts(campaign_id=campaign_id, dimensions=dimensions)
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
