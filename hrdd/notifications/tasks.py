from django_tasks import task

from hrdd.notifications.services import email_deliver


@task(queue_name="email")
def send_email(*, email_id: int) -> str:
    """Send one queued e-mail; safe to run twice (the second run finds it claimed)."""
    return email_deliver(email_id=email_id)
