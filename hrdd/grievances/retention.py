"""Closed cases are deleted, not hidden: the rows go, with their messages, keys and
attachments (all in the database, so nothing is left on disk), GRIEVANCE_RETENTION_DAYS
after closing. A reopened case is kept."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from hrdd.grievances.models import Case


def expired_cases(*, now=None):
    cutoff = (now or timezone.now()) - timedelta(days=settings.GRIEVANCE_RETENTION_DAYS)
    return Case.objects.filter(state=Case.State.CLOSED, closed_at__lte=cutoff)


def cases_delete_expired(*, now=None, case_id: int | None = None) -> int:
    """Delete every expired case (or only `case_id` if it has expired); how many went."""
    expired = expired_cases(now=now)
    if case_id is not None:
        expired = expired.filter(pk=case_id)
    _total, by_model = expired.delete()
    return by_model.get(Case._meta.label, 0)
