from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from hrdd import policy
from hrdd.campaigns.models import Campaign
from hrdd.organisations.models import Organisation
from hrdd.reports.models import PrivacyReservation, ReportRelease
from hrdd.reports.selectors import declared_dimensions, privacy_budget_left
from hrdd.reports.tally import (
    snapshot_isolation,
    tally_batch,
    tally_lock,
    tally_mark_released,
    tally_released_total,
    tally_total,
    tally_update,
)
from hrdd.responses.models import Response
from hrdd.webhooks.services import event_emit


def report_release_if_due(*, campaign_id: int) -> ReportRelease | None:
    """Make a new Summary Report release when the schedule allows it; else do nothing.

    Due when policy.release_due says so (docs/privacy.md, "Release schedule": the first
    release at PRIVACY_FIRST_RELEASE responses, then whenever they have doubled; at close,
    when k or more are new).
    The release measures only those new responses, with noise (policy.measure_release), and
    adds them to the previous release's noisy counts: each response is measured once.
    With breakdowns declared, the same release holds the tables by group.
    Safe to run twice or concurrently: release numbers are unique per campaign, so of two
    workers racing for the same release one makes it and the other does nothing.
    """
    try:
        return _release_if_due(campaign_id)
    except IntegrityError:
        # Another worker made the same release at the same moment: nothing left to do.
        return None


def campaigns_missing_final_release(*, now=None) -> QuerySet[Campaign]:
    """Closed campaigns that hold at least `min_responses` submitted responses not yet in a
    release: their final release is due (at close the batch rule needs only k new ones)."""
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


def privacy_reserve(*, campaign: Campaign) -> float:
    """The campaign's privacy budget (epsilon), reserved from its buyer's budget for the
    questionnaire and the year the campaign opened, on its first release; later releases
    read the same reservation. A buyer's campaigns on one questionnaire in one year share
    PRIVACY_EPSILON: a second campaign gets what the first left (nothing, by default), and
    its report says so instead of showing figures. Call inside the release's transaction."""
    found = PrivacyReservation.objects.filter(campaign=campaign).first()
    if found is not None:
        return found.epsilon
    # The buyer's reservations are made one at a time (on PostgreSQL a concurrent one makes
    # this transaction fail and the release is tried again on the next run).
    Organisation.objects.select_for_update().filter(pk=campaign.organisation_id).first()
    code = campaign.questionnaire_version.questionnaire.code
    epsilon = policy.reservation(privacy_budget_left(campaign=campaign))
    PrivacyReservation.objects.create(
        campaign=campaign,
        organisation_id=campaign.organisation_id,
        questionnaire_code=code,
        year=campaign.opens_at.year,
        epsilon=epsilon,
    )
    return epsilon


def _release_if_due(campaign_id: int) -> ReportRelease | None:
    # First the responses submitted since the last run are added to the counts (in their
    # own transaction), then the release reads the counts, not the answers, holding the
    # tally's lock so that no run counts between the release's read and its mark.
    tally_update(campaign_id=campaign_id)
    outer = connection.in_atomic_block
    with tally_lock(campaign_id), transaction.atomic():
        if not outer:
            snapshot_isolation()
        campaign = (
            Campaign.objects.select_related(
                "questionnaire_version", "questionnaire_version__questionnaire"
            )
            .defer("questionnaire_version__definition")  # parsed once per process
            .get(pk=campaign_id)
        )
        previous = ReportRelease.objects.filter(campaign=campaign).order_by("-number").first()
        total = tally_total(campaign_id=campaign_id)
        already = tally_released_total(campaign_id=campaign_id)
        closed = campaign.state() == Campaign.State.CLOSED
        k = campaign.min_responses
        if not policy.release_due(k=k, total=total, already=already, closed=closed):
            return None
        dimensions = declared_dimensions(campaign=campaign)
        batch, groups, sizes = tally_batch(campaign_id=campaign_id, dimensions=dimensions)
        definition = campaign.questionnaire_version.parsed
        design = policy.design_of(definition)
        epsilon = privacy_reserve(campaign=campaign)
        cumulative, spent = policy.measure_release(
            design=design,
            epsilon=epsilon,
            batch=batch,
            groups=groups,
            dimensions=len(dimensions),
            previous=(previous.content.get("noisy") if previous else None) or None,
        )
        content = policy.summarise(
            design=design, total=total, k=k, cumulative=cumulative, epsilon=epsilon
        )
        content["privacy"] = {
            "epsilon": epsilon,
            "spent_per_batch": spent,
            "batches": (previous.content.get("privacy", {}).get("batches", 0) if previous else 0)
            + 1,
        }
        if dimensions:
            content["breakdowns"] = [
                policy.summarise_breakdown(
                    design=design,
                    dimension=dimension,
                    sizes=sizes[dimension],
                    k=k,
                    cumulative=cumulative,
                )
                for dimension in dimensions
            ]
        tally_mark_released(campaign_id=campaign_id)
        release = ReportRelease.objects.create(
            campaign=campaign,
            number=(previous.number + 1) if previous else 1,
            response_count=total,
            reason=ReportRelease.Reason.CLOSE if closed else ReportRelease.Reason.BATCH,
            content=content,
        )
        # What the report page shows above its figures, never a figure or an answer.
        event_emit(
            organisation_id=campaign.organisation_id,
            event_type="report.released",
            key=f"report.released:{release.pk}",
            data={
                "campaign": {"id": campaign.pk, "name": campaign.name, "mode": campaign.mode},
                "release": {
                    "number": release.number,
                    "reason": release.reason,
                    "response_count": release.response_count,
                    "created_at": release.created_at.isoformat(),
                },
                "url": settings.SITE_URL + reverse("reports:summary", args=[campaign.pk]),
            },
        )
        return release
