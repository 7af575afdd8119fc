"""The Summary Report's tasks, and the function that schedules the final release.

The tasks call reports.services for the work; the scheduling is here, beside the task whose
arguments it builds, so that services never import tasks (no import cycle).
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from hrdd.campaigns.models import Campaign
from hrdd.reports.services import report_release_if_due
from hrdd.webhooks.services import event_emit


@task()
def refresh_report(*, campaign_id: int) -> int | None:
    """Release a new Summary Report if a full batch of responses has arrived."""
    release = report_release_if_due(campaign_id=campaign_id)
    return release.number if release else None


@task()
def release_at_close(*, campaign_id: int, closes_at: str) -> int | None:
    """The final Summary Report release, run at the close date it was scheduled for.

    A run for a close date that has since changed does nothing: the new date was scheduled
    when it was set (report_schedule_close_release). A run that starts before its date (a
    clock a little behind) waits for it. Running twice makes one release.
    """
    campaign = Campaign.objects.filter(pk=campaign_id).only("closes_at").first()
    if campaign is None or campaign.closes_at != datetime.fromisoformat(closes_at):
        return None
    if campaign.closes_at > timezone.now():
        release_at_close.using(run_after=campaign.closes_at).enqueue(
            campaign_id=campaign_id, closes_at=closes_at
        )
        return None
    campaign = Campaign.objects.get(pk=campaign_id)
    event_emit(  # once per close date, however often this runs
        organisation_id=campaign.organisation_id,
        event_type="campaign.closed",
        key=f"campaign.closed:{campaign_id}:{closes_at}",
        data={
            "campaign": {"id": campaign.pk, "name": campaign.name, "mode": campaign.mode},
            "closed_at": closes_at,
            "url": settings.SITE_URL + reverse("campaigns:detail", args=[campaign.pk]),
        },
    )
    release = report_release_if_due(campaign_id=campaign_id)
    return release.number if release else None


def report_schedule_close_release(*, campaign: Campaign) -> None:
    """Have the worker make the final release when the campaign closes (on commit).

    Called when a campaign is created and whenever its close date changes. The run carries
    the close date it was scheduled for: a run for a date that has since moved does nothing
    (the new date has its own run), and two runs for the same date make one release (see
    report_release_if_due). Campaigns that missed their run are caught by `release_reports`.
    """
    campaign_id, closes_at = campaign.pk, campaign.closes_at
    transaction.on_commit(
        lambda: release_at_close.using(run_after=closes_at).enqueue(
            campaign_id=campaign_id, closes_at=closes_at.isoformat()
        )
    )
