import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from hrdd.notifications.models import OutboundEmail

logger = logging.getLogger(__name__)


def render_email(*, template: str, context: dict, language: str) -> tuple[str, str, str]:
    """Render the template trio emails/<template>.subject.txt/.txt/.html in `language`."""
    context = {"site_url": settings.SITE_URL, "platform_name": settings.PLATFORM_NAME, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}.subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return " ".join(subject.split()), text, html


def email_queue(
    *,
    to: str,
    template: str,
    context: dict,
    language: str,
    contains_secret: bool = False,
) -> OutboundEmail:
    """Render an e-mail now and have a task send it once the current transaction commits."""
    from hrdd.notifications.tasks import send_email

    subject, text, html = render_email(template=template, context=context, language=language)
    message = OutboundEmail.objects.create(
        to=to,
        template=template,
        language=language,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        contains_secret=contains_secret,
    )
    transaction.on_commit(lambda: send_email.enqueue(email_id=message.pk))
    return message


def _retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4, 8... minutes, at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def _is_temporary(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    # Connection refused, timeouts, DNS trouble, dropped connections: try again later.
    return isinstance(exc, OSError | smtplib.SMTPException)


def email_deliver(*, email_id: int) -> str:
    """Send one queued message exactly once and record the outcome.

    The conditional update claims the message: if another worker (or a retried task) got
    there first, this call does nothing. Returns the resulting status.
    """
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=email_id, status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.RETRYING]
    ).update(status=OutboundEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    message = OutboundEmail.objects.get(pk=email_id)
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
    )
    if message.body_html:
        mail.attach_alternative(message.body_html, "text/html")
    try:
        mail.send()
    except Exception as exc:  # noqa: BLE001 - every failure is recorded, none is lost
        temporary = _is_temporary(exc) and message.attempts < settings.EMAIL_MAX_ATTEMPTS
        message.status = OutboundEmail.Status.RETRYING if temporary else OutboundEmail.Status.FAILED
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        message.next_attempt_at = now + _retry_delay(message.attempts) if temporary else None
        fields = ["status", "last_error", "next_attempt_at"]
        if not temporary and message.contains_secret:
            # A link that will never be delivered must not stay readable in the database.
            message.body_text = message.body_html = ""
            fields += ["body_text", "body_html"]
        message.save(update_fields=fields)
        logger.warning("e-mail %s to %s failed: %s", message.pk, message.to, message.last_error)
        if temporary:
            from hrdd.notifications.tasks import send_email

            send_email.using(run_after=message.next_attempt_at).enqueue(email_id=message.pk)
        return message.status
    message.status = OutboundEmail.Status.SENT
    message.sent_at = timezone.now()
    message.last_error = ""
    fields = ["status", "sent_at", "last_error"]
    if message.contains_secret:
        message.body_text = message.body_html = ""
        fields += ["body_text", "body_html"]
    message.save(update_fields=fields)
    return message.status
