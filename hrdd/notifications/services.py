"""Queueing e-mails: the public API of notifications. The worker that delivers them is in
outbox.py, run by the deliver_outbox task."""

from datetime import datetime

from django.db import transaction

from hrdd.core.bulk import insert_instances
from hrdd.notifications import outbox
from hrdd.notifications.emails import render_email
from hrdd.notifications.models import OutboundEmail
from hrdd.notifications.tasks import deliver_outbox, deliver_outbox_at


def email_queue(
    *,
    to: str,
    template: str,
    context: dict,
    language: str,
    contains_secret: bool = False,
    erase_recipient: bool = False,
    campaign=None,
) -> OutboundEmail:
    """Render an e-mail now and have the outbox send it once the current transaction commits.

    `contains_secret`: the bodies are erased once sent (or failed for good);
    `erase_recipient`: so is the address."""
    subject, text, html = render_email(template=template, context=context, language=language)
    message = OutboundEmail.objects.create(
        to=to,
        template=template,
        language=language,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        contains_secret=contains_secret,
        erase_recipient=erase_recipient,
        campaign=campaign,
    )
    outbox_kick_on_commit()
    return message


def email_build(
    *,
    to: str,
    template: str,
    context: dict,
    language: str,
    campaign=None,
    contains_secret: bool = True,
    not_before: datetime | None = None,
) -> OutboundEmail:
    """An unsaved message for bulk queueing: `context` holds plain JSON values only, and the
    worker renders it when sending. Save many with `email_queue_many`."""
    return OutboundEmail(
        to=to,
        template=template,
        language=language,
        context=context,
        contains_secret=contains_secret,
        campaign=campaign,
        next_attempt_at=not_before,
    )


def email_queue_many(messages: list[OutboundEmail]) -> list[OutboundEmail]:
    """Queue many messages with one bulk insert; the outbox starts once the transaction commits."""
    created = insert_instances(messages)
    due = [m.next_attempt_at for m in created if m.next_attempt_at]
    outbox_kick_on_commit(run_after=min(due) if due and len(due) == len(created) else None)
    return created


def outbox_kick_on_commit(run_after: datetime | None = None) -> None:
    """Have a worker deliver the outbox after the current transaction commits."""

    def kick():
        task = deliver_outbox.using(run_after=run_after) if run_after else deliver_outbox
        task.enqueue()

    transaction.on_commit(kick)


def email_deliver(*, email_id: int) -> str:
    """Deliver one message now if it is due and nobody holds it (for tests and the admin)."""
    return outbox.email_deliver(email_id=email_id, schedule=deliver_outbox_at)
