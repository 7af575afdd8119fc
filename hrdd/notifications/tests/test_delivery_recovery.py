"""Outbox details found by the delivery benchmark and the fault scripts (bench/delivery.py,
bench/faults_delivery.py): configurable backoff, a server outage never fails a message for good
nor burns the batch, no claim without its watchdog, recoveries logged, the final "." not held
back by Nagle's algorithm, rendering done ahead of sending.
"""

import logging
import smtplib
import socket
from datetime import timedelta

import pytest
from django.core.mail import get_connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hrdd.notifications import outbox, smtp
from hrdd.notifications.models import OutboundEmail
from hrdd.notifications.tasks import deliver_outbox
from hrdd.testing.world import queue_many

pytestmark = pytest.mark.django_db


def test_retry_delay_is_the_base_doubled_at_each_attempt(settings):
    assert settings.EMAIL_RETRY_BASE_SECONDS == 60  # default: 1, 2, 4... minutes, as before
    assert [outbox._retry_delay(n) for n in (1, 2, 3)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]
    assert outbox._retry_delay(20) == timedelta(hours=1)

    settings.EMAIL_RETRY_BASE_SECONDS = 1
    assert [outbox._retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 20)] == [
        1,
        2,
        4,
        8,
        60,
    ]


def test_a_failed_attempt_is_retried_after_the_configured_base(smtp, campaign_a, settings):
    """The server is down (smtp fixture not started): the next attempt is one base away."""
    settings.EMAIL_RETRY_BASE_SECONDS = 2
    [message] = queue_many(campaign_a, 1)
    before = timezone.now()

    assert deliver_outbox.call() == {"retrying": 1}

    message.refresh_from_db()
    delay = (message.next_attempt_at - before).total_seconds()
    assert 2 <= delay < 3


def make_due() -> None:
    OutboundEmail.objects.filter(status=OutboundEmail.Status.RETRYING).update(
        next_attempt_at=timezone.now()
    )


def test_a_server_that_stays_down_never_fails_a_message_for_good(smtp, campaign_a, settings):
    """With the defaults an outage of more than 31 minutes (1 + 2 + 4 + 8 + 16) used to mark
    every invitation of a launch failed, as if each address were wrong."""
    settings.EMAIL_MAX_ATTEMPTS = 2
    [message] = queue_many(campaign_a, 1)

    for _ in range(4):
        make_due()
        assert deliver_outbox.call() == {"retrying": 1}

    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.RETRYING
    assert message.attempts == 4  # counted for the backoff, not against the limit
    assert message.next_attempt_at > timezone.now()

    smtp.start()
    make_due()
    assert deliver_outbox.call() == {"sent": 1}


def test_when_the_server_is_down_the_rest_of_the_batch_waits(smtp, campaign_a, caplog):
    """One connection attempt, not one per message: against a server that times out, a batch
    of 100 took 100 times EMAIL_TIMEOUT (33 minutes with 20 s)."""
    messages = queue_many(campaign_a, 5)

    with caplog.at_level(logging.WARNING, logger="hrdd.notifications.outbox"):
        assert deliver_outbox.call() == {"retrying": 5}

    assert caplog.text.count("failed: ConnectionRefusedError") == 1
    rows = OutboundEmail.objects.order_by("pk")
    assert [r.attempts for r in rows] == [1, 0, 0, 0, 0]
    assert {r.status for r in rows} == {OutboundEmail.Status.RETRYING}
    assert len({r.next_attempt_at for r in rows}) == 1
    assert all("ConnectionRefusedError" in r.last_error for r in rows)
    assert {r.claim_token for r in rows} == {""}

    smtp.start()
    make_due()
    assert deliver_outbox.call() == {"sent": 5}
    assert sorted(r.message["Message-ID"] for r in smtp.received) == sorted(
        f"<outbox-{m.pk}@localhost>" for m in messages
    )


def test_when_the_server_is_down_every_due_message_waits_for_one_retry(smtp, campaign_a, settings):
    """Runs starting during the outage (a watchdog, a new message's run) find nothing due:
    they neither try the server again nor schedule more runs, so runs do not multiply."""
    settings.EMAIL_BATCH_SIZE = 2
    settings.EMAIL_CLAIM_TIMEOUT = 7200
    queue_many(campaign_a, 5)

    assert deliver_outbox.call() == {"retrying": 2}  # one batch: tried 1, put back 1

    rows = list(OutboundEmail.objects.order_by("pk"))
    assert [r.status for r in rows] == ["retrying"] * 2 + ["queued"] * 3
    assert len({r.next_attempt_at for r in rows}) == 1
    retry = DBTaskResult.objects.filter(
        task_path="hrdd.notifications.tasks.deliver_outbox", run_after=rows[0].next_attempt_at
    )
    assert retry.count() == 1
    runs = DBTaskResult.objects.count()
    assert deliver_outbox.call() == {}  # meanwhile: nothing due, nothing scheduled
    assert DBTaskResult.objects.count() == runs

    # The retry tries the same message first, so its backoff grows.
    make_due()
    OutboundEmail.objects.filter(status="queued").update(next_attempt_at=timezone.now())
    assert deliver_outbox.call() == {"retrying": 2}
    first = OutboundEmail.objects.order_by("pk").first()
    assert first.attempts == 2


@pytest.mark.parametrize(
    ("exc", "unavailable"),
    [
        (ConnectionRefusedError(111, "Connection refused"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), True),
        (smtplib.SMTPConnectError(554, b"no service"), True),
        (smtplib.SMTPSenderRefused(421, b"shutting down", "a@b.example"), True),
        (smtplib.SMTPResponseException(451, b"try again later"), False),
        (smtplib.SMTPRecipientsRefused({"x@y.example": (451, b"busy")}), False),
        (smtplib.SMTPDataError(554, b"rejected"), False),
    ],
)
def test_what_counts_as_the_server_being_unavailable(exc, unavailable):
    assert outbox._is_unavailable(exc) is unavailable


def test_a_claim_is_never_committed_without_its_watchdog(campaign_a, monkeypatch):
    """If the watchdog run cannot be scheduled, the batch is not claimed either: a worker
    dying just after the claim can no longer leave messages that no run will put back."""
    queue_many(campaign_a, 3)

    class Broken(Exception):
        pass

    def enqueue(*args, **kwargs):
        raise Broken

    monkeypatch.setattr(DBTaskResult.objects, "create", enqueue)
    with pytest.raises(Broken):
        deliver_outbox.call()

    statuses = set(OutboundEmail.objects.values_list("status", "claim_token"))
    assert statuses == {(OutboundEmail.Status.QUEUED, "")}


def test_every_batch_schedules_one_watchdog_with_its_claim(smtp_running, campaign_a, settings):
    settings.EMAIL_BATCH_SIZE = 2
    settings.EMAIL_CLAIM_TIMEOUT = 7200
    queue_many(campaign_a, 5)

    assert deliver_outbox.call() == {"sent": 5}

    watchdogs = DBTaskResult.objects.filter(
        task_path="hrdd.notifications.tasks.deliver_outbox",
        run_after__gt=timezone.now() + timedelta(hours=1),
    )
    assert watchdogs.count() == 3  # batches of 2, 2 and 1; none for the empty last claim


def test_messages_put_back_by_the_watchdog_are_logged(campaign_a, settings, caplog):
    queue_many(campaign_a, 2)
    outbox.outbox_claim(limit=10)  # a worker claims them, then dies
    settings.EMAIL_CLAIM_TIMEOUT = 0

    with caplog.at_level(logging.WARNING, logger="hrdd.notifications.outbox"):
        assert outbox.outbox_release_stale(now=timezone.now() + timedelta(seconds=1)) == 2

    assert "2 e-mails held by a stopped worker were put back in the queue" in caplog.text


def test_the_smtp_connection_sends_small_packets_at_once(smtp_running, campaign_a):
    """The final "." of DATA follows the commit in a packet of its own; with Nagle's
    algorithm it waited for the server's delayed ACK (40 ms), capping a worker at about 20
    messages a second."""
    [message] = queue_many(campaign_a, 1)
    backend = get_connection(fail_silently=False)
    try:
        mail = outbox._as_email(message)
        smtp.send_with_commit_point(backend, mail, lambda: None)
        sock = backend.connection.sock
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        backend.close()
    assert len(smtp_running.received) == 1


def test_a_message_that_cannot_be_rendered_fails_alone(smtp_running, campaign_a):
    """Rendering is done ahead, while the server accepts the previous message; its error
    still belongs to its message."""
    first, broken, last = queue_many(campaign_a, 3)
    OutboundEmail.objects.filter(pk=broken.pk).update(template="no_such_template")

    assert deliver_outbox.call() == {"sent": 2, "failed": 1}

    broken.refresh_from_db()
    assert broken.status == OutboundEmail.Status.FAILED
    assert "no_such_template" in broken.last_error
    assert len(smtp_running.received) == 2
    assert {r.message["Message-ID"] for r in smtp_running.received} == {
        f"<outbox-{first.pk}@localhost>",
        f"<outbox-{last.pk}@localhost>",
    }


def test_an_envelope_is_what_the_message_would_send(campaign_a):
    [message] = queue_many(campaign_a, 1)
    mail = outbox._as_email(message)

    sender, recipients, data = smtp.envelope(mail)

    assert sender == "Open HRDD <no-reply@localhost>"  # smtplib keeps the address only
    assert recipients == ["supplier0@factory.example"]
    assert data.startswith(b"Content-Type: multipart/alternative")
    assert f"Message-ID: <outbox-{message.pk}@localhost>".encode() in data


@pytest.mark.django_db(transaction=True)
def test_the_sending_mark_does_not_wait_for_the_disk_on_postgresql(smtp_running, campaign_a):
    """Outside any transaction, as in a worker: claimed -> sending is committed without
    waiting for the write-ahead log on PostgreSQL (the commit point after it does wait)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    [message] = queue_many(campaign_a, 1)

    with CaptureQueriesContext(connection) as queries:
        assert deliver_outbox.call() == {"sent": 1}

    asynchronous = [q["sql"] for q in queries if "synchronous_commit" in q["sql"]]
    assert len(asynchronous) == (1 if connection.vendor == "postgresql" else 0)
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT
    assert message.attempts == 1
    assert len(smtp_running.received) == 1
