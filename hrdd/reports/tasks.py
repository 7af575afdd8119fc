from django_tasks import task

from hrdd.reports.services import report_release_if_due


@task()
def refresh_report(*, campaign_id: int) -> int | None:
    """Release a new Summary Report if a full batch of responses has arrived."""
    release = report_release_if_due(campaign_id=campaign_id)
    return release.number if release else None
