"""No resume code, link token or reset token in any log line or stored e-mail after sending.

A whole supplier flow is played with every log handler of the configuration writing into
this test (the real handlers and their filters, at DEBUG level), then the logs and the
outbox table are searched for every secret the platform issued on the way.
"""

import io
import logging
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from hrdd.invitations import services as invitations
from hrdd.notifications.models import OutboundEmail
from hrdd.responses.models import Response
from hrdd.suppliers.services import supplier_create
from hrdd.testing.world import VALID_ANSWERS, answer_pages, run_tasks

pytestmark = pytest.mark.django_db

PERSONAL_LINK = re.compile(r"/i/([^/\s\"]+)/")
OPT_OUT_LINK = re.compile(r"/o/([^/\s\"]+)/")
RESET_LINK = re.compile(r"/password/set/([^/\s\"]+)/([^/\s\"]+)/")
RESUME_CODE = re.compile(r"/a/([0-9A-Z-]+)/")
FACTORY = "factory-office@example.vn"


@pytest.fixture
def logs():
    """Everything the configured handlers write, at every level, while the test runs."""
    loggers = [logging.getLogger(), logging.getLogger("django")]
    handlers = {h for lg in loggers for h in lg.handlers if isinstance(h, logging.StreamHandler)}
    assert handlers, "the logging configuration has no stream handler to watch"
    written = io.StringIO()
    saved = [(h, h.setStream(written), h.level) for h in handlers]
    levels = [(lg, lg.level) for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    for h in handlers:
        h.setLevel(logging.DEBUG)
    yield written
    for h, stream, level in saved:
        h.setStream(stream)
        h.setLevel(level)
    for lg, level in levels:
        lg.setLevel(level)


def body(message) -> str:
    return message.body + "".join(str(part[0]) for part in getattr(message, "alternatives", []))


def test_a_whole_supplier_flow_leaves_no_secret_in_logs_or_stored_mail(
    client, alice, campaign_a, campaign_b, logs, settings, django_capture_on_commit_callbacks
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "link": {"address": "2/m"}}
    secrets = []
    # The buyer invites a supplier: a personal link and an opt-out link by e-mail.
    supplier = supplier_create(
        organisation=campaign_a.organisation, name="Saigon", country="VN", email="lan@saigon.vn"
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitations.campaign_invite(campaign=campaign_a, suppliers=[supplier])
    run_tasks()
    token = PERSONAL_LINK.search(mail.outbox[0].body).group(1)
    opt_out = OPT_OUT_LINK.search(mail.outbox[0].body).group(1)
    secrets += [token, opt_out]

    # The supplier opens its personal link, starts and saves; a mistyped page is a 404 and
    # trying the opt-out form too fast a 429, both logged with the path.
    supplier_browser = Client()
    assert supplier_browser.get(f"/i/{token}/").status_code == 200
    started = supplier_browser.post(f"/i/{token}/", {"action": "start"})
    personal_answer_url = started["Location"].split("?")[0]
    assert supplier_browser.get(personal_answer_url + "p/x/").status_code == 404
    for _ in range(3):
        supplier_browser.post(f"/o/{opt_out}/", {})
    assert supplier_browser.post(f"/o/{opt_out}/", {}).status_code == 429

    # Someone answers through a public URL (of another campaign: one that sent personal
    # links takes no new response there), saves, resumes with the code, asks for the link by
    # e-mail, then submits.
    landing = reverse("responses:landing", args=[campaign_b.public_slug])
    started = client.post(landing, {"action": "start"})
    code = RESUME_CODE.search(started["Location"]).group(1)
    secrets += [code, code.replace("-", "")]
    url = reverse("responses:answer", args=[campaign_b.public_slug, code])
    assert client.post(url, {"action": "save", "revision": 0}).status_code in {302, 422}
    assert client.post(landing, {"action": "resume", "code": code.lower()}).status_code == 302
    assert client.get(url + "p/99/").status_code in {302, 404}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url + "email/", {"email": FACTORY}).status_code == 302
    run_tasks()
    assert code in mail.outbox[-1].body and mail.outbox[-1].to == [FACTORY]
    receipt = client.get(answer_pages(client, url, VALID_ANSWERS)["Location"])
    assert receipt.status_code == 200
    assert Response.objects.filter(submitted_at__isnull=False).count() == 1

    # A password reset sends a token too.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": alice.email})
    run_tasks()
    uid, reset_token = RESET_LINK.search(mail.outbox[-1].body).groups()
    secrets += [reset_token]

    written = logs.getvalue()
    assert "Not Found" in written and "Too Many Requests" in written  # the lines were written
    leaked = [s for s in secrets if s in written]
    assert not leaked, f"secrets in the logs: {leaked}\n{written}"

    stored = " ".join(
        f"{m.to} {m.subject} {m.body_text} {m.body_html} {m.context} {m.last_error}"
        for m in OutboundEmail.objects.all()
    )
    assert OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).count() == 0
    assert not [s for s in secrets if s in stored], stored
    assert FACTORY not in stored  # the supplier's typed address is gone once sent
