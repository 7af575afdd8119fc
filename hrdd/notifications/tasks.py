from django_tasks import task

from hrdd.notifications.services import outbox_deliver


@task(queue_name="email")
def deliver_outbox() -> dict[str, int]:
    """Send every due e-mail in batches. Any number may run at once: each message is claimed
    by one of them, and a run finding nothing to do simply ends."""
    return outbox_deliver()
