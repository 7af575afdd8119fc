"""The outbox worker: what the deliver_outbox task does.

Messages move queued -> claimed -> sending -> sent, or to retrying / failed. A worker claims a
batch with one conditional UPDATE stamped with a random claim token, so two workers never hold
the same message; each message is then moved claimed -> sending by another conditional update
just before its SMTP dialogue, and recorded as sent at the SMTP commit point (see smtp.py).
A worker that dies leaves "claimed" (never started) or "sending" (the server discarded it)
messages behind; after EMAIL_CLAIM_TIMEOUT they go back to the queue. Before it sends
anything, every batch schedules a watchdog run of the task for that moment, so recovery
needs no cron and no surviving worker state.
"""

import logging
import secrets
import smtplib
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

import psycopg
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Min, Q
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from hrdd.notifications import smtp
from hrdd.notifications.emails import render_email
from hrdd.notifications.models import OutboundEmail

logger = logging.getLogger(__name__)

# Has another run of the outbox start at the given time (the task passes its own enqueue).
Schedule = Callable[[datetime], object]

RETRYABLE = [OutboundEmail.Status.QUEUED, OutboundEmail.Status.RETRYING]


def _retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4, 8... times EMAIL_RETRY_BASE_SECONDS (by default 1, 2, 4,
    8... minutes), at most 60 times (an hour)."""
    return timedelta(seconds=settings.EMAIL_RETRY_BASE_SECONDS * min(60, 2 ** max(0, attempts - 1)))


def _is_temporary(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    # Connection refused, timeouts, DNS trouble, dropped connections: try again later.
    return isinstance(exc, OSError | smtplib.SMTPException)


def _is_unavailable(exc: Exception) -> bool:
    """The mail server could not be reached, dropped the connection, timed out or answered
    421 (service not available): the server's state, which says nothing about the message.
    Such a failure never makes a message fail for good, and the rest of its batch waits
    instead of trying one message after another against a server that is down."""
    if isinstance(exc, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


# What _deliver_one returns for a message that failed because the server is unavailable
# (the message itself is then "retrying").
UNAVAILABLE = "unavailable"


def _due(now: datetime) -> Q:
    return Q(status__in=RETRYABLE) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def outbox_release_stale(*, now: datetime | None = None) -> int:
    """Put back in the queue what a dead worker held for longer than EMAIL_CLAIM_TIMEOUT."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.EMAIL_CLAIM_TIMEOUT)
    released = OutboundEmail.objects.filter(
        status__in=[OutboundEmail.Status.CLAIMED, OutboundEmail.Status.SENDING],
        claimed_at__lt=limit,
    ).update(
        status=OutboundEmail.Status.RETRYING,
        claim_token="",
        next_attempt_at=now,
        last_error="The worker sending this message stopped; it was put back in the queue.",
    )
    if released:
        logger.warning("%d e-mails held by a stopped worker were put back in the queue", released)
    return released


def outbox_claim(*, limit: int, now: datetime | None = None) -> tuple[str, list[OutboundEmail]]:
    """Claim up to `limit` due messages for this worker, oldest first."""
    now = now or timezone.now()
    token = secrets.token_hex(16)
    due_ids = (
        OutboundEmail.objects.filter(_due(now)).order_by("pk").values_list("pk", flat=True)[:limit]
    )
    # The status condition is checked again by the UPDATE itself: a message another worker
    # claimed in the meantime no longer matches and is left alone.
    OutboundEmail.objects.filter(_due(now), pk__in=due_ids).update(
        status=OutboundEmail.Status.CLAIMED, claim_token=token, claimed_at=now
    )
    return token, list(OutboundEmail.objects.filter(claim_token=token).order_by("pk"))


def _as_email(message: OutboundEmail) -> EmailMultiAlternatives:
    if not message.body_text:
        # Bulk mail is rendered now, in the recipient's language.
        subject, text, html = render_email(
            template=message.template, context=message.context, language=message.language
        )
        message.subject, message.body_text, message.body_html = subject[:300], text, html
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        # One identity per message: should anything ever arrive twice, it is recognisable.
        headers={"Message-ID": f"<outbox-{message.pk}@{_mail_domain()}>"},
    )
    if message.body_html:
        mail.attach_alternative(message.body_html, "text/html")
    return mail


def _mail_domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >")
    return address or "localhost"


def _record_sent(message: OutboundEmail, now: datetime):
    """The commit point: record the message as sent. Returns None once it is committed, or,
    on PostgreSQL, a function that waits for the commit (see `_update_without_waiting`)."""
    fields = {
        "status": OutboundEmail.Status.SENT,
        "sent_at": now,
        "last_error": "",
        "claim_token": "",
        "subject": message.subject,
    }
    if message.contains_secret:
        # A link that has reached its recipient does not stay readable in the database.
        fields.update(body_text="", body_html="", context={})
    elif message.context:
        fields.update(body_text=message.body_text, body_html=message.body_html)
    if message.erase_recipient:
        fields.update(to="")
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return _update_without_waiting(message.pk, fields)
    OutboundEmail.objects.filter(pk=message.pk).update(**fields)
    return None


def _update_without_waiting(pk: int, fields: dict):
    """Send the UPDATE to PostgreSQL and return at once; the returned function waits for it.

    A worker killed between the commit point and the final "." of DATA loses the message
    (recorded as sent, discarded by the server). Waiting for PostgreSQL's answer before the
    "." made that window the time for the answer to come back and the worker to be scheduled
    again: milliseconds on a busy machine, and bench/faults_delivery.py kill lost about one
    message in 12 kills. Once sent, the UPDATE is committed by the server even if the worker
    dies (autocommit: it commits as it executes), so the "." can follow at once: the window
    is between two system calls. The other way round, if PostgreSQL fails to commit after
    the "." left, the message stays "sending" and is sent a second time later.
    """
    query = UpdateQuery(OutboundEmail)
    query.add_update_values(fields)
    query.add_q(Q(pk=pk))
    sql, params = query.get_compiler(connection=connection).as_sql()
    connection.ensure_connection()
    raw = connection.connection
    statement = psycopg.ClientCursor(raw).mogrify(sql, params)
    raw.pgconn.send_query(statement.encode())  # written to the socket before it returns

    def wait() -> None:
        errors = []
        while (result := raw.pgconn.get_result()) is not None:
            if result.status != psycopg.pq.ExecStatus.COMMAND_OK:
                errors.append(result.get_error_field(psycopg.pq.DiagnosticField.MESSAGE_PRIMARY))
        if errors:
            raise DatabaseError(f"recording e-mail {pk} as sent failed: {errors}")

    return wait


def _record_failure(message: OutboundEmail, exc: Exception, now: datetime) -> str:
    attempts = message.attempts + 1  # the attempt that just failed was counted when it began
    # An outage longer than the backoff (31 minutes with the defaults) must not fail a whole
    # campaign's invitations for good: only the message's own failures count to the limit.
    temporary = _is_unavailable(exc) or (
        _is_temporary(exc) and attempts < settings.EMAIL_MAX_ATTEMPTS
    )
    status = OutboundEmail.Status.RETRYING if temporary else OutboundEmail.Status.FAILED
    fields = {
        "status": status,
        "attempts": attempts,
        "claim_token": "",
        "last_error": f"{type(exc).__name__}: {exc}"[:2000],
        "next_attempt_at": now + _retry_delay(attempts) if temporary else None,
    }
    if not temporary and message.contains_secret:
        # A link that will never be delivered must not stay readable in the database.
        fields.update(body_text="", body_html="", context={})
    if message.erase_recipient:
        # The server's reply often repeats the address.
        fields["last_error"] = fields["last_error"].replace(message.to, "[recipient]")
        if not temporary:
            fields.update(to="")
    OutboundEmail.objects.filter(pk=message.pk).update(**fields)
    to = "[recipient]" if message.erase_recipient else message.to
    logger.warning("e-mail %s to %s failed: %s", message.pk, to, fields["last_error"])
    return status


class _Pacer:
    """At most `rate` messages per second from this worker (0: no limit)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1 / rate if rate else 0.0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
        self.next_at = max(self.next_at, now) + self.interval


def _prepare(message: OutboundEmail, *, commit_point: bool):
    """The message rendered and encoded for the wire (or the exception that prevented it): CPU
    work only, no database, no socket."""
    try:
        mail = _as_email(message)
        return smtp.envelope(mail) if commit_point else mail
    except Exception as exc:  # noqa: BLE001 - it belongs to this message, raised when it is sent
        return exc


class _Ahead:
    """Prepares the next message of a batch in small steps (render, then encode) while the
    server answers the commands of the current one: the worker's CPU and the server's work
    overlap, in one thread. (A second thread would do the same but could hold the GIL for
    milliseconds between the commit point and the final ".", where a killed worker loses
    the message.)"""

    def __init__(self, batch: list[OutboundEmail], *, commit_point: bool) -> None:
        self.batch, self.commit_point = batch, commit_point
        self.rendered: dict[int, object] = {}
        self.ready: dict[int, object] = {}

    def get(self, index: int):
        """What `_prepare` gives for message `index`, finishing what is left to do."""
        while index not in self.ready:
            self.step(index)
        return self.ready.pop(index)

    def step(self, index: int) -> None:
        """One step for message `index`, if any is left. Never raises: an error is kept as
        the message's result."""
        if index >= len(self.batch) or index in self.ready:
            return
        if index not in self.rendered:
            try:
                self.rendered[index] = _as_email(self.batch[index])
            except Exception as exc:  # noqa: BLE001 - raised when this message is sent
                self.rendered[index] = exc
            return
        mail = self.rendered.pop(index)
        if isinstance(mail, Exception) or not self.commit_point:
            self.ready[index] = mail
            return
        try:
            self.ready[index] = smtp.envelope(mail)
        except Exception as exc:  # noqa: BLE001 - raised when this message is sent
            self.ready[index] = exc


def _start_sending(message: OutboundEmail, now: datetime) -> int:
    """claimed -> sending, if the claim is still this worker's (1, else 0).

    On PostgreSQL this commit does not wait for the disk (synchronous_commit off, 4-5 ms per
    message on the benchmark machine, half the time of a delivery): safe, because the write
    log is flushed in order, so the commit point that follows (recorded as sent, with a
    normal commit) makes it durable too; a crash before that loses only a "sending" mark of a
    message the server discarded, which then goes back to the queue like any stale claim.
    """
    update = OutboundEmail.objects.filter(
        pk=message.pk, claim_token=message.claim_token, status=OutboundEmail.Status.CLAIMED
    )
    fields = {"status": OutboundEmail.Status.SENDING, "claimed_at": now}
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return update.update(**fields, attempts=F("attempts") + 1)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        return update.update(**fields, attempts=F("attempts") + 1)


def _deliver_one(backend, message: OutboundEmail, prepared=None, meanwhile=None) -> str:
    """Send one claimed message and record the outcome. Returns the resulting status.

    `prepared`: what `_prepare` returned for this message, if it was done ahead; `meanwhile`:
    work to do while the server processes the message (see `_Ahead`).
    """
    now = timezone.now()
    started = _start_sending(message, now)
    if not started:
        return "skipped"  # released as stale and taken over by another worker
    try:
        commit_point = smtp.supports_commit_point(backend)
        wire = _prepare(message, commit_point=commit_point) if prepared is None else prepared
        if isinstance(wire, Exception):
            raise wire
        if commit_point:
            smtp.send_with_commit_point(
                backend, wire, lambda: _record_sent(message, now), meanwhile=meanwhile
            )
        else:
            backend.send_messages([wire])
            committed = _record_sent(message, now)
            if committed is not None:
                committed()
    except Exception as exc:  # noqa: BLE001 - every failure is recorded, none is lost
        if smtp.supports_commit_point(backend):
            smtp.abandon(backend)  # the dialogue may be half-way: start the next one afresh
        status = _record_failure(message, exc, now)
        return UNAVAILABLE if _is_unavailable(exc) else status
    return OutboundEmail.Status.SENT


def _wait_for_server(*, token: str, after: OutboundEmail) -> tuple[int, datetime]:
    """The server is down (`after` found it so): every message due now waits until `after` is
    tried again, with no attempt counted; returns how many of this batch were put back, and
    when they are due.

    All due messages, not only this batch: otherwise every run that starts meanwhile (a
    watchdog, a newly queued message) would claim another batch, find the server down and
    schedule two more runs, and runs would multiply for as long as the outage lasts. With
    everything waiting, the message that found the server down is also the first one tried
    next time (oldest first), so the backoff keeps growing with its attempts.
    """
    failed = OutboundEmail.objects.get(pk=after.pk)
    until = failed.next_attempt_at
    put_back = OutboundEmail.objects.filter(
        claim_token=token, status=OutboundEmail.Status.CLAIMED
    ).update(
        status=OutboundEmail.Status.RETRYING,
        claim_token="",
        next_attempt_at=until,
        last_error=failed.last_error,
    )
    OutboundEmail.objects.filter(_due(timezone.now())).update(next_attempt_at=until)
    return put_back, until


def outbox_deliver(*, schedule: Schedule, max_batches: int | None = None) -> dict[str, int]:
    """Send every due message, batch by batch over one SMTP connection, at the rate limit.

    Safe to run in any number of workers at once. Returns counts by outcome. `schedule(at)`
    has another run start at `at`: the watchdog of each batch, a retry.
    """
    counts: dict[str, int] = {}
    retrying = False
    outbox_release_stale()
    pacer = _Pacer(settings.EMAIL_RATE_LIMIT)
    batches = 0
    while max_batches is None or batches < max_batches:
        # The watchdog: if this worker dies from now on, a later run puts the batch back in the
        # queue. Claim and watchdog commit together (with the database task backend; with
        # another backend the watchdog is enqueued before the claim commits), so no claim
        # is ever left without one.
        with transaction.atomic():
            token, batch = outbox_claim(limit=settings.EMAIL_BATCH_SIZE)
            if batch:
                schedule(timezone.now() + timedelta(seconds=settings.EMAIL_CLAIM_TIMEOUT + 1))
        if not batch:
            break
        batches += 1
        backend = get_connection(fail_silently=False)
        ahead = _Ahead(batch, commit_point=smtp.supports_commit_point(backend))
        unavailable = False
        try:
            for index, message in enumerate(batch):
                pacer.wait()
                status = _deliver_one(
                    backend,
                    message,
                    ahead.get(index),
                    meanwhile=partial(ahead.step, index + 1),
                )
                if status == UNAVAILABLE:
                    # The server is down: everything waits for one retry, and this run ends.
                    status, unavailable = OutboundEmail.Status.RETRYING, True
                    waiting, until = _wait_for_server(token=token, after=message)
                    counts[status] = counts.get(status, 0) + waiting
                    schedule(until)
                counts[status] = counts.get(status, 0) + 1
                if status == OutboundEmail.Status.RETRYING and not unavailable:
                    retrying = True
                if unavailable:
                    break
        finally:
            _close(backend)
        if unavailable:
            break
    if retrying:
        _schedule_retries(schedule)
    return counts


def _schedule_retries(schedule: Schedule) -> None:
    """One run of the outbox when the earliest retry falls due (not one per failed message)."""
    due = outbox_next_due()
    if due is not None:
        schedule(due)


def email_deliver(*, email_id: int, schedule: Schedule) -> str:
    """Deliver one message now if it is due and nobody holds it (`schedule` as for
    `outbox_deliver`)."""
    now = timezone.now()
    token = secrets.token_hex(16)
    claimed = OutboundEmail.objects.filter(_due(now), pk=email_id).update(
        status=OutboundEmail.Status.CLAIMED, claim_token=token, claimed_at=now
    )
    if not claimed:
        return "skipped"
    message = OutboundEmail.objects.get(pk=email_id)
    backend = get_connection(fail_silently=False)
    try:
        status = _deliver_one(backend, message)
        if status == UNAVAILABLE:
            status = OutboundEmail.Status.RETRYING
        if status == OutboundEmail.Status.RETRYING:
            _schedule_retries(schedule)
        return status
    finally:
        _close(backend)


def _close(backend) -> None:
    try:
        backend.close()
    except Exception:  # noqa: BLE001 - a broken connection is closed either way
        smtp.abandon(backend) if smtp.supports_commit_point(backend) else None


def outbox_next_due() -> datetime | None:
    """The earliest time a waiting message is scheduled for (None: none is scheduled)."""
    return OutboundEmail.objects.filter(status__in=RETRYABLE).aggregate(t=Min("next_attempt_at"))[
        "t"
    ]
