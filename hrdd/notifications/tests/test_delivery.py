"""E-mail delivery through a real SMTP server on 127.0.0.1.

What an operator relies on: a queued message reaches the recipient exactly once, a server that
is down only delays it (with a retry on record), a recipient the server refuses is marked failed
rather than retried forever, and a message carrying a secret link does not keep it once sent.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hrdd.notifications import outbox
from hrdd.notifications.models import OutboundEmail
from hrdd.notifications.selectors import delivery_counts
from hrdd.notifications.services import email_deliver, email_queue
from hrdd.notifications.tasks import deliver_outbox
from hrdd.notifications.testing import BUSY, REFUSED
from hrdd.testing.world import deliver_killed_at_the_commit_point, queue_many, run_tasks

pytestmark = pytest.mark.django_db

DELIVER = "hrdd.notifications.tasks.deliver_outbox"
RESUME_CODE = "ABCD-EFGH-JKMN-PQRS"


def queue_resume_link(campaign, *, to="factory@example.vn", language="en", **extra):
    return email_queue(
        to=to,
        template="resume_link",
        context={"campaign": campaign, "code": RESUME_CODE},
        language=language,
        **extra,
    )


def queue_and_commit(django_capture_on_commit_callbacks, campaign, **kwargs):
    """Queue a message as the application does: the send task is enqueued on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_resume_link(campaign, **kwargs)
    return message


@pytest.fixture(autouse=True)
def _watchdogs_far_away(settings):
    """Watchdog runs (scheduled by every batch) go two hours ahead, beyond any retry."""
    settings.EMAIL_CLAIM_TIMEOUT = 7200


def pending_retries() -> list[DBTaskResult]:
    """Outbox runs scheduled for a retry (within the hour), not the far-away watchdogs."""
    return list(
        DBTaskResult.objects.filter(
            task_path=DELIVER,
            status="READY",
            run_after__lte=timezone.now() + timedelta(hours=1),
        )
    )


def make_retries_due() -> None:
    OutboundEmail.objects.filter(status=OutboundEmail.Status.RETRYING).update(
        next_attempt_at=timezone.now()
    )
    DBTaskResult.objects.filter(task_path=DELIVER, status="READY").update(run_after=timezone.now())


def lines(text: str) -> list[str]:
    """Text as lines, ignoring the line endings and trailing blanks that SMTP may change."""
    return [line.rstrip() for line in text.strip().splitlines()]


def resume_path(campaign) -> str:
    return f"/r/{campaign.public_slug}/a/{RESUME_CODE}/"


# --- Delivery ---------------------------------------------------------------------------------


def test_queued_message_arrives_once_as_text_and_html(
    smtp_running, campaign_a, django_capture_on_commit_callbacks, settings
):
    message = queue_and_commit(django_capture_on_commit_callbacks, campaign_a)

    run_tasks()

    [received] = smtp_running.received
    assert received.rcpt_tos == ["factory@example.vn"]
    assert received.mail_from == "no-reply@localhost"
    mail = received.message
    assert mail["To"] == "factory@example.vn"
    assert mail["Subject"] == "Your link to continue the questionnaire for Northwind"
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    link = settings.SITE_URL + resume_path(campaign_a)
    assert link in text
    assert f'href="{link}"' in html
    assert RESUME_CODE in text
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.language == "en"


def test_message_in_japanese_is_recorded_and_sent_as_rendered(
    smtp_running, campaign_a, django_capture_on_commit_callbacks
):
    message = queue_and_commit(django_capture_on_commit_callbacks, campaign_a, language="ja")

    run_tasks()

    [received] = smtp_running.received
    message.refresh_from_db()
    assert message.language == "ja"
    assert message.status == OutboundEmail.Status.SENT
    # What the recipient gets is what was rendered and recorded for their language.
    # (A long non-ASCII subject is folded onto the next header line; readers unfold it.)
    assert received.message["Subject"].strip() == message.subject
    assert "Northwind" in message.subject
    text = received.message.get_body(preferencelist=("plain",)).get_content()
    assert lines(text) == lines(message.body_text)
    assert resume_path(campaign_a) in text


def test_nothing_is_sent_until_the_transaction_commits(smtp_running, campaign_a):
    message = queue_resume_link(campaign_a)

    run_tasks()

    assert smtp_running.received == []
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.QUEUED
    assert pending_retries() == []


def test_delivering_twice_sends_once(smtp_running, campaign_a):
    message = queue_resume_link(campaign_a)

    assert email_deliver(email_id=message.pk) == OutboundEmail.Status.SENT
    assert email_deliver(email_id=message.pk) == "skipped"

    assert len(smtp_running.received) == 1
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT
    assert message.attempts == 1


def test_task_enqueued_twice_sends_once(
    smtp_running, campaign_a, django_capture_on_commit_callbacks
):
    queue_and_commit(django_capture_on_commit_callbacks, campaign_a)
    deliver_outbox.enqueue()

    run_tasks()

    assert len(smtp_running.received) == 1
    results = DBTaskResult.objects.filter(task_path=DELIVER, status="SUCCESSFUL")
    assert sorted(str(r.return_value) for r in results) == ["{'sent': 1}", "{}"]


def test_secret_bodies_are_erased_once_sent(smtp_running, campaign_a):
    message = queue_resume_link(campaign_a, contains_secret=True)
    assert RESUME_CODE in message.body_text

    email_deliver(email_id=message.pk)

    [received] = smtp_running.received
    assert RESUME_CODE in received.message.get_body(preferencelist=("plain",)).get_content()
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT
    assert message.body_text == ""
    assert message.body_html == ""
    # The record of delivery stays.
    assert message.to == "factory@example.vn"
    assert message.subject


def test_ordinary_bodies_are_kept_once_sent(smtp_running, campaign_a):
    message = queue_resume_link(campaign_a)

    email_deliver(email_id=message.pk)

    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT
    assert RESUME_CODE in message.body_text
    assert RESUME_CODE in message.body_html


# --- Failures -----------------------------------------------------------------------------------


def test_server_down_delays_the_message_and_a_retry_delivers_it_once(
    smtp, campaign_a, django_capture_on_commit_callbacks
):
    message = queue_and_commit(django_capture_on_commit_callbacks, campaign_a, contains_secret=True)

    run_tasks()

    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.RETRYING
    assert message.attempts == 1
    assert message.last_error
    assert message.next_attempt_at > timezone.now()
    assert message.sent_at is None
    # The link is still needed for the retry.
    assert RESUME_CODE in message.body_text
    [retry] = pending_retries()
    assert retry.run_after > timezone.now()
    assert retry.queue_name == "email"

    # The retry is not due yet: running the worker now sends nothing.
    smtp.start()
    run_tasks()
    assert smtp.received == []

    make_retries_due()
    run_tasks()

    assert len(smtp.received) == 1
    assert smtp.received[0].rcpt_tos == ["factory@example.vn"]
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT
    assert message.attempts == 2
    assert message.last_error == ""
    assert message.sent_at is not None
    assert message.body_text == ""
    assert pending_retries() == []

    # Running the worker again sends nothing more.
    run_tasks()
    assert len(smtp.received) == 1


def test_retries_wait_longer_each_time(smtp, campaign_a, django_capture_on_commit_callbacks):
    message = queue_and_commit(django_capture_on_commit_callbacks, campaign_a)
    delays = []
    for _ in range(3):
        before = timezone.now()
        make_retries_due()
        run_tasks()
        message.refresh_from_db()
        assert message.status == OutboundEmail.Status.RETRYING
        delays.append((message.next_attempt_at - before).total_seconds())

    assert message.attempts == 3
    assert delays[0] < delays[1] < delays[2]
    assert len(pending_retries()) == 1


def test_permanent_refusal_fails_without_retry(
    smtp_running, campaign_a, django_capture_on_commit_callbacks
):
    message = queue_and_commit(django_capture_on_commit_callbacks, campaign_a, to=REFUSED)

    run_tasks()

    assert smtp_running.received == []
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.FAILED
    assert message.attempts == 1
    assert "550" in message.last_error
    assert message.next_attempt_at is None
    assert message.sent_at is None
    assert pending_retries() == []


def test_temporary_refusal_is_retried(smtp_running, campaign_a, django_capture_on_commit_callbacks):
    message = queue_and_commit(django_capture_on_commit_callbacks, campaign_a, to=BUSY)

    run_tasks()

    assert smtp_running.received == []
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.RETRYING
    assert "451" in message.last_error
    assert len(pending_retries()) == 1


def test_refusing_one_address_does_not_hold_up_another(
    smtp_running, campaign_a, django_capture_on_commit_callbacks
):
    refused = queue_and_commit(django_capture_on_commit_callbacks, campaign_a, to=REFUSED)
    accepted = queue_and_commit(django_capture_on_commit_callbacks, campaign_a)

    run_tasks()

    refused.refresh_from_db()
    accepted.refresh_from_db()
    assert refused.status == OutboundEmail.Status.FAILED
    assert accepted.status == OutboundEmail.Status.SENT
    assert [r.rcpt_tos for r in smtp_running.received] == [["factory@example.vn"]]


def test_gives_up_after_the_maximum_number_of_attempts(
    smtp, campaign_a, django_capture_on_commit_callbacks, settings
):
    """A recipient refused temporarily (451) again and again; a server that is down is
    another matter (test_delivery_recovery.py: never a permanent failure)."""
    settings.EMAIL_MAX_ATTEMPTS = 2
    smtp.start()
    message = queue_and_commit(django_capture_on_commit_callbacks, campaign_a, to=BUSY)

    run_tasks()
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.RETRYING
    assert message.attempts == 1

    make_retries_due()
    run_tasks()

    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.FAILED
    assert message.attempts == 2
    assert message.last_error
    assert message.next_attempt_at is None
    assert pending_retries() == []

    # A failed message is not picked up again.
    assert email_deliver(email_id=message.pk) == "skipped"
    assert smtp.received == []


# --- Batches, workers that die, workers that race -------------------------------------------


def test_bulk_mail_is_rendered_by_the_worker_and_its_secrets_erased(smtp_running, campaign_a):
    [message] = queue_many(campaign_a, 1)
    assert message.body_text == ""

    assert deliver_outbox.call() == {"sent": 1}

    [received] = smtp_running.received
    assert "C0" in received.message.get_body(preferencelist=("plain",)).get_content()
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT
    assert "Northwind" in message.subject
    assert message.context == {}
    assert message.body_text == ""


def test_a_worker_killed_before_the_commit_point_leaves_nothing_at_the_server(
    smtp_running, campaign_a, settings
):
    """The SMTP commit point: the message is recorded as sent before the final "." of DATA;
    a worker dying before that record leaves an unfinished message the server discards, and
    the message goes back to the queue after the claim timeout, to be sent exactly once."""
    [message] = queue_many(campaign_a, 1)

    deliver_killed_at_the_commit_point()

    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENDING
    assert smtp_running.received == []  # the server dropped the unfinished message

    # Too early: the claim is still fresh, nobody takes the message over.
    assert deliver_outbox.call() == {}
    settings.EMAIL_CLAIM_TIMEOUT = 0
    assert deliver_outbox.call() == {"sent": 1}

    assert len(smtp_running.received) == 1
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT
    assert message.attempts == 2


def test_two_workers_claim_disjoint_batches(campaign_a, settings):
    queue_many(campaign_a, 10)

    _first, mine = outbox.outbox_claim(limit=6)
    _second, theirs = outbox.outbox_claim(limit=6)
    _third, nothing = outbox.outbox_claim(limit=6)

    assert len(mine) == 6
    assert len(theirs) == 4
    assert nothing == []
    assert not {m.pk for m in mine} & {m.pk for m in theirs}


def test_a_batch_taken_over_after_the_timeout_is_not_sent_by_its_first_worker(
    smtp_running, campaign_a, settings
):
    queue_many(campaign_a, 3)
    token, batch = outbox.outbox_claim(limit=10)
    # The first worker stalls; its claim expires and another worker sends the batch.
    settings.EMAIL_CLAIM_TIMEOUT = 0
    assert deliver_outbox.call() == {"sent": 3}
    # The first worker wakes up and goes on with its (stale) batch: nothing is sent twice.
    backend = outbox.get_connection()
    assert [outbox._deliver_one(backend, m) for m in batch] == ["skipped"] * 3
    backend.close()
    assert len(smtp_running.received) == 3


def test_delivery_keeps_to_the_rate_limit(smtp_running, campaign_a, settings):
    settings.EMAIL_RATE_LIMIT = 20
    queue_many(campaign_a, 11)

    started = time.monotonic()
    assert deliver_outbox.call() == {"sent": 11}
    elapsed = time.monotonic() - started

    assert elapsed >= 0.5  # 11 messages at 20 per second: 10 intervals of 50 ms


def test_campaign_delivery_counts(smtp_running, campaign_a):
    queue_many(campaign_a, 2)
    for address in (REFUSED, BUSY):
        email_queue(
            to=address,
            template="resume_link",
            context={"campaign": campaign_a, "code": RESUME_CODE},
            language="en",
            campaign=campaign_a,
        )
    queue_resume_link(campaign_a, to="elsewhere@factory.example")  # not campaign mail

    deliver_outbox.call()

    assert delivery_counts(campaign=campaign_a) == {
        "queued": 0,
        "sent": 2,
        "retrying": 1,
        "failed": 1,
    }


def test_operator_can_send_again_a_message_that_failed(
    client, olivia, smtp, campaign_a, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_MAX_ATTEMPTS = 1
    message = queue_and_commit(django_capture_on_commit_callbacks, campaign_a)
    run_tasks()  # the server is down (which alone never fails a message for good)
    # ... and the server then refused it for good (say, a mailbox full for too long).
    OutboundEmail.objects.filter(pk=message.pk).update(
        status=OutboundEmail.Status.FAILED, next_attempt_at=None
    )

    smtp.start()
    olivia.is_staff = olivia.is_superuser = True  # operator staff with the admin site
    olivia.save()
    client.force_login(olivia)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            "/admin/notifications/outboundemail/",
            {"action": "send_again_now", "_selected_action": [message.pk]},
            follow=True,
        )
    assert "1 message will be sent again now." in page.content.decode()
    run_tasks()

    assert len(smtp.received) == 1
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT
