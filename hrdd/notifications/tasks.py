from datetime import datetime

from django_tasks import task

from hrdd.notifications import outbox


@task(queue_name="email")
def deliver_outbox() -> dict[str, int]:
    """Send every due e-mail in batches. Any number may run at once: each message is claimed
    by one of them, and a run finding nothing to do simply ends."""
    return outbox.outbox_deliver(schedule=deliver_outbox_at)


def deliver_outbox_at(when: datetime) -> None:
    """Have a run of deliver_outbox start at `when`: a batch's watchdog, or a retry."""
    deliver_outbox.using(run_after=when).enqueue()
