from django_tasks import task

from hrdd.grievances import retention


@task()
def delete_closed_case(*, case_id: int) -> int:
    """Queued when a case closes, to run when its retention ends; a case reopened since (or
    closed again later) is not due and stays. Safe to run twice: a deleted case is gone."""
    return retention.cases_delete_expired(case_id=case_id)


@task()
def delete_expired_cases() -> int:
    """Every case past its retention (a sweep, for cases whose own task was lost)."""
    return retention.cases_delete_expired()


@task()
def check_due_cases() -> tuple[int, int]:
    """Reminders and escalations by the Directive's timers (reminders.py); run it daily."""
    from hrdd.grievances import reminders

    return reminders.cases_check()
