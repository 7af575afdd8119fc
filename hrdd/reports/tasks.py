from datetime import datetime

from django.utils import timezone
from django_tasks import task

from hrdd.campaigns.models import Campaign
from hrdd.reports.services import report_release_if_due


@task()
def refresh_report(*, campaign_id: int) -> int | None:
    """Release a new Summary Report if a full batch of responses has arrived."""
    release = report_release_if_due(campaign_id=campaign_id)
    return release.number if release else None


@task()
def release_at_close(*, campaign_id: int, closes_at: str) -> int | None:
    """The final Summary Report release, run at the close date it was scheduled for.

    A run for a close date that has since changed does nothing: the new date was scheduled
    when it was set (reports.services.report_schedule_close_release). A run that starts
    before its date (a clock a little behind) waits for it. Running twice makes one release.
    """
    campaign = Campaign.objects.filter(pk=campaign_id).only("closes_at").first()
    if campaign is None or campaign.closes_at != datetime.fromisoformat(closes_at):
        return None
    if campaign.closes_at > timezone.now():
        release_at_close.using(run_after=campaign.closes_at).enqueue(
            campaign_id=campaign_id, closes_at=closes_at
        )
        return None
    release = report_release_if_due(campaign_id=campaign_id)
    return release.number if release else None
