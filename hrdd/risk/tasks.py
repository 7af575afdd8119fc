from django_tasks import task

from hrdd.risk import ranking
from hrdd.risk.models import PriorityRun


@task()
def compute_priorities(*, run_id: int) -> int | None:
    """Rank a buyer's suppliers (ranking.priorities_compute); a run that fails says so on
    the page instead of waiting for ever."""
    run = PriorityRun.objects.select_related("organisation", "assessment").filter(pk=run_id).first()
    if run is None or run.status != PriorityRun.Status.QUEUED:
        return None
    if run.assessment is None:
        PriorityRun.objects.filter(pk=run_id).update(status=PriorityRun.Status.FAILED)
        return None
    try:
        return ranking.priorities_compute(run=run).supplier_count
    except Exception:
        PriorityRun.objects.filter(pk=run_id).update(status=PriorityRun.Status.FAILED)
        raise
