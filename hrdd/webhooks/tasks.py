from datetime import datetime

from django_tasks import task

from hrdd.core.task_queue import task_waiting
from hrdd.webhooks import delivery


@task()
def deliver_webhooks() -> dict[str, int]:
    """Send every due webhook delivery. Any number may run at once: each delivery is claimed
    by one of them, and a run finding nothing to do simply ends."""
    return delivery.webhooks_deliver(schedule=deliver_webhooks_at)


def deliver_webhooks_at(when: datetime) -> None:
    """Have a run of deliver_webhooks start at `when`: a batch's watchdog, or a retry."""
    deliver_webhooks.using(run_after=when).enqueue()


def deliver_webhooks_soon() -> None:
    """A run now, unless one is already waiting to start (it will see the new rows)."""
    if not task_waiting(deliver_webhooks):
        deliver_webhooks.enqueue()
