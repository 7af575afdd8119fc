from datetime import date

from django_tasks import task

from hrdd.remediation import reminders


@task()
def remind_action(*, action_id: int, due_on: str) -> bool:
    """The supplier's reminder before an action is due (once per due date)."""
    return reminders.action_remind(action_id=action_id, due_on=date.fromisoformat(due_on))


@task()
def escalate_action(*, action_id: int, due_on: str) -> bool:
    """The owners told of an overdue action (once per due date)."""
    return reminders.action_escalate(action_id=action_id, due_on=date.fromisoformat(due_on))


@task()
def remind_plan(*, cap_id: int, due_on: str) -> bool:
    """The supplier's reminder before its plan is due (once per due date)."""
    return reminders.plan_remind(cap_id=cap_id, due_on=date.fromisoformat(due_on))


@task()
def escalate_plan(*, cap_id: int, due_on: str) -> bool:
    """The owners told of a plan not sent by its due date (once per due date)."""
    return reminders.plan_escalate(cap_id=cap_id, due_on=date.fromisoformat(due_on))
