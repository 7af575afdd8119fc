"""E-mail delivery through a real SMTP server on 127.0.0.1.

What an operator relies on: a queued message reaches the recipient exactly once, a server that
is down only delays it (with a retry on record), a recipient the server refuses is marked failed
rather than retried forever, and a message carrying a secret link does not keep it once sent.
"""

import email
import email.policy
import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import run_tasks
from hrdd.notifications.models import OutboundEmail
from hrdd.notifications.services import email_deliver, email_queue

pytestmark = pytest.mark.django_db

SEND_EMAIL = "hrdd.notifications.tasks.send_email"
RESUME_CODE = "ABCD-EFGH-JKMN-PQRS"
REFUSED = "nobody@factory.example"
BUSY = "busy@factory.example"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage


@dataclass
class Handler:
    """Accepts everything except two addresses; keeps every message it accepted."""

    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == REFUSED:
            return "550 5.1.1 no such user"
        if address == BUSY:
            return "451 4.2.1 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SMTPServer:
    """A local SMTP server on a port of its own, which a test can start late or stop."""

    def __init__(self) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.handler = Handler()
        self.controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings):
    """The SMTP server, configured as the platform's mail server but not yet running."""
    server = SMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def smtp_running(smtp):
    smtp.start()
    return smtp


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


def pending_sends(message) -> list[DBTaskResult]:
    """send_email tasks for `message` that are still waiting to run."""
    return [
        task
        for task in DBTaskResult.objects.filter(task_path=SEND_EMAIL, status="READY")
        if task.args_kwargs["kwargs"] == {"email_id": message.pk}
    ]


def make_retries_due() -> None:
    DBTaskResult.objects.filter(task_path=SEND_EMAIL, status="READY").update(
        run_after=timezone.now()
    )


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
    assert pending_sends(message) == []


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
    from hrdd.notifications.tasks import send_email

    message = queue_and_commit(django_capture_on_commit_callbacks, campaign_a)
    send_email.enqueue(email_id=message.pk)

    run_tasks()

    assert len(smtp_running.received) == 1
    results = DBTaskResult.objects.filter(task_path=SEND_EMAIL)
    assert sorted(r.return_value for r in results) == ["sent", "skipped"]


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
    [retry] = pending_sends(message)
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
    assert pending_sends(message) == []

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
    assert len(pending_sends(message)) == 1


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
    assert pending_sends(message) == []


def test_temporary_refusal_is_retried(smtp_running, campaign_a, django_capture_on_commit_callbacks):
    message = queue_and_commit(django_capture_on_commit_callbacks, campaign_a, to=BUSY)

    run_tasks()

    assert smtp_running.received == []
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.RETRYING
    assert "451" in message.last_error
    assert len(pending_sends(message)) == 1


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
    settings.EMAIL_MAX_ATTEMPTS = 2
    message = queue_and_commit(django_capture_on_commit_callbacks, campaign_a)

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
    assert pending_sends(message) == []

    # A failed message is not picked up again, even when the server is back.
    smtp.start()
    assert email_deliver(email_id=message.pk) == "skipped"
    assert smtp.received == []
