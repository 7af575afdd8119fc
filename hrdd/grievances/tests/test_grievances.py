"""The reporter's flow, anonymity, the receipt without oracle, encryption at rest, case
handling and retention, and who may see which case."""

import base64
import logging
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from hrdd.grievances import crypto, retention, services
from hrdd.grievances.models import Attachment, Case, Message
from hrdd.testing.grievances import (
    ADDRESS,
    AGENT,
    PASSPHRASE,
    SECRET_STORY,
    channel,
    photo_with_location,
    send,
    unlock,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel_a(org_a, alice):
    return channel(org_a, alice)


def test_the_form_says_who_reads_it_and_never_the_supplier(client, org_a, alice):
    from hrdd.suppliers.services import site_create, supplier_create

    supplier = supplier_create(
        organisation=org_a, name="Saigon Textiles", country="VN", email="x@s.example"
    )
    site = site_create(supplier=supplier, name="Mill", country="VN")
    channel_site = channel(org_a, alice, site=site)
    page = client.get(reverse("grievances:report", args=[channel_site.slug])).content.decode()
    assert "The grievance team of Northwind" in page
    assert "The management of Saigon Textiles will not see it." in page
    assert "<script" not in page


def test_a_worker_reports_reads_the_answer_and_replies(client, org_a, alice, channel_a):
    _page, code = send(client, channel_a, passphrase="my own words")
    assert code and Case.objects.count() == 1
    case = Case.objects.get()
    # The handler unlocks their key, reads the report, answers.
    handler = client.__class__()
    unlock(handler, org_a, alice)
    url = reverse("grievances:case", args=[org_a.pk, case.pk])
    assert SECRET_STORY in handler.get(url).content.decode()
    handler.post(url, {"action": "reply", "body": "We are looking into it."})
    handler.post(url, {"action": "note", "body": "Internal: call the auditor"})
    case.refresh_from_db()
    assert case.state == Case.State.ACKNOWLEDGED
    # The worker comes back with the code and passphrase.
    receipt = reverse("grievances:receipt", args=[channel_a.slug])
    page = client.post(receipt, {"code": code.lower(), "passphrase": "my own words"})
    text = page.content.decode()
    assert "We are looking into it." in text and "call the auditor" not in text
    client.post(receipt, {"code": code, "passphrase": "my own words", "reply": "Thank you"})
    assert "Thank you" in handler.get(url).content.decode()
    # Without the passphrase the code alone opens nothing.
    assert "We are looking" not in client.post(receipt, {"code": code}).content.decode()


def test_the_page_is_in_the_language_the_worker_chooses(client, channel_a):
    url = reverse("grievances:report", args=[channel_a.slug])
    client.post("/i18n/setlang/", {"language": "vi", "next": url})
    page = client.get(url).content.decode()
    assert '<html lang="vi">' in page
    send(client, channel_a)
    assert Case.objects.get().language == "vi"


def _dump() -> str:
    """Every table's every row as text (bytes as latin-1), as a database dump would show."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the schema
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        parts.append(bytes(value).decode("latin-1"))
                    else:
                        parts.append(str(value))
    return "\n".join(parts)


def test_a_report_leaves_no_address_or_browser_in_the_database_or_logs(client, channel_a, caplog):
    caplog.set_level(logging.DEBUG)
    receipt = reverse("grievances:receipt", args=[channel_a.slug])
    _page, code = send(client, channel_a, contact="", flag_documents="on")  # a red flag too
    client.post(
        receipt,
        {"code": code, "reply": "more", "flag_debt": "on"},
        REMOTE_ADDR=ADDRESS,
        HTTP_USER_AGENT=AGENT,
    )
    client.get(
        reverse("grievances:help", args=[channel_a.slug]),
        REMOTE_ADDR=ADDRESS,
        HTTP_USER_AGENT=AGENT,
    )
    client.post(receipt, {"code": "WRONG"}, REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)
    client.get(
        reverse("grievances:report", args=["nosuchone"]), REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT
    )
    dump = _dump()
    logs = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    for trace in (ADDRESS, AGENT, "unique-agent"):
        assert trace not in dump
        assert trace not in logs
    assert Message.objects.count() == 1


def test_a_database_dump_holds_no_plaintext_of_a_report_or_attachment(client, channel_a):
    photo = SimpleUploadedFile("IMG_2026.jpg", photo_with_location(), "image/jpeg")
    pdf_bytes = b"%PDF-1.4\n% a payslip showing deductions for recruitment-fee-debt\n%%EOF"
    pdf = SimpleUploadedFile("payslip.pdf", pdf_bytes, "application/pdf")
    _page, code = send(client, channel_a, files=[photo, pdf])
    assert Attachment.objects.count() == 2
    dump = _dump()
    for secret in (SECRET_STORY, "Line 3", "Our passports", "recruitment-fee-debt", code):
        assert secret not in dump
    assert "SERIAL-CAMERA" not in dump and "IMG_2026" not in dump


def test_photos_lose_their_metadata_and_other_files_are_refused(org_a, alice, channel_a, client):
    from hrdd.grievances.attachments import clean_attachment

    media_type, data = clean_attachment(SimpleUploadedFile("a.jpg", photo_with_location()))
    assert media_type == "image/jpeg" and b"SERIAL-CAMERA" not in data
    assert b"SERIAL-CAMERA" in photo_with_location()
    script = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\nrm -rf /", "image/jpeg")
    page = client.post(
        reverse("grievances:report", args=[channel_a.slug]), {"what": "x", "files": [script]}
    )
    assert "photo.jpg is not a photo or a PDF." in page.content.decode()
    assert not Case.objects.exists()


def test_oversized_files_are_refused_naming_the_limit(client, channel_a, settings):
    settings.GRIEVANCE_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 1))
    page = client.post(
        reverse("grievances:report", args=[channel_a.slug]), {"what": "x", "files": [big]}
    )
    assert "big.pdf is too large (at most 1 MB)." in page.content.decode()


def test_wrong_codes_get_the_same_answer_after_the_same_work(client, channel_a, monkeypatch):
    _page, code = send(client, channel_a, passphrase="my own words")
    receipt = reverse("grievances:receipt", args=[channel_a.slug])
    calls = []
    real = crypto.passphrase_key

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(crypto, "passphrase_key", counting)
    answers = []
    for typed in (crypto.new_receipt_code(), code):
        calls.clear()
        page = client.post(receipt, {"code": typed, "passphrase": "wrong"})
        text = page.content.decode().replace(str(page.context["csrf_token"]), "")
        answers.append(text.replace(typed, "CODE"))
        assert page.status_code == 200 and len(calls) == 1  # one argon2id either way
    assert answers[0] == answers[1]
    assert "do not open a report" in answers[0]


def test_receipt_guessing_is_rate_limited_without_the_address(client, channel_a, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "receipt": {"reporter": "3/m"}}
    receipt = reverse("grievances:receipt", args=[channel_a.slug])
    got = [client.post(receipt, {"code": "AAAA"}).status_code for _ in range(4)]
    assert got == [200, 200, 200, 429]
    # Another address has its own count.
    assert client.post(receipt, {"code": "AAAA"}, REMOTE_ADDR="198.51.100.1").status_code == 200


def test_another_buyer_gets_404_and_a_viewer_403(client, org_a, alice, bob, carol, channel_a):
    send(client, channel_a)
    case = Case.objects.get()
    for name, args in [
        ("grievances:index", [org_a.pk]),
        ("grievances:case", [org_a.pk, case.pk]),
    ]:
        client.force_login(carol)
        assert client.get(reverse(name, args=args)).status_code == 404
        client.force_login(bob)
        assert client.get(reverse(name, args=args)).status_code == 403


def test_a_locked_key_shows_no_content_and_states_have_due_dates(client, org_a, alice, channel_a):
    send(client, channel_a)
    case = Case.objects.get()
    client.force_login(alice)
    page = client.get(reverse("grievances:case", args=[org_a.pk, case.pk])).content.decode()
    assert SECRET_STORY not in page and "Unlock your key" in page
    assert (case.received_at + timedelta(days=7)).strftime("%Y-%m-%d") in page
    assert (case.received_at + timedelta(days=91)).strftime("%Y-%m-%d") in page


def test_a_handler_who_joins_later_gets_the_case_from_one_who_opens_it(
    client, org_a, alice, channel_a
):
    from hrdd.organisations.models import Membership
    from hrdd.testing import world

    send(client, channel_a)
    case = Case.objects.get()
    dave = world.member(org_a, "dave@a.example", Membership.Role.ADMIN, full_name="Dave")
    services.handler_key_create(user=dave, passphrase="dave's long passphrase")
    alice_key = services.handler_key_unlock(key=alice.grievance_key, passphrase=PASSPHRASE)
    dave_key = services.handler_key_unlock(
        key=dave.grievance_key, passphrase="dave's long passphrase"
    )
    assert services.case_data_key(case=case, user=dave, private_key=dave_key) is None
    assert services.case_data_key(case=case, user=alice, private_key=alice_key)
    assert services.case_data_key(case=case, user=dave, private_key=dave_key)


def test_closed_cases_are_deleted_after_retention_with_attachments(
    client, org_a, alice, channel_a, settings, django_capture_on_commit_callbacks
):
    import time_machine
    from django_tasks_db.models import DBTaskResult

    from hrdd.grievances.tasks import delete_closed_case

    settings.GRIEVANCE_RETENTION_DAYS = 30
    pdf = SimpleUploadedFile("p.pdf", b"%PDF-1.4 evidence", "application/pdf")
    send(client, channel_a, files=[pdf])
    send(client, channel_a)
    case = Case.objects.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_state_set(case=case, state=Case.State.CLOSED)
    # Closing queued the deletion for the end of the retention period.
    run = DBTaskResult.objects.get(task_path="hrdd.grievances.tasks.delete_closed_case")
    assert run.args_kwargs["kwargs"] == {"case_id": case.pk}
    assert run.run_after - case.closed_at >= timedelta(days=30)
    # Run early, it deletes nothing.
    assert delete_closed_case.call(case_id=case.pk) == 0
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert delete_closed_case.call(case_id=case.pk) == 1
        assert delete_closed_case.call(case_id=case.pk) == 0  # safe to run twice
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Attachment.objects.exists() and Case.objects.count() == 1
    assert not Message.objects.filter(case_id=case.pk).exists()


def test_a_reopened_case_is_kept(client, channel_a, settings):
    settings.GRIEVANCE_RETENTION_DAYS = 30
    send(client, channel_a)
    case = Case.objects.get()
    services.case_state_set(case=case, state=Case.State.CLOSED)
    services.case_state_set(case=case, state=Case.State.IN_PROGRESS)
    assert retention.cases_delete_expired(now=timezone.now() + timedelta(days=60)) == 0
    assert Case.objects.exists()


def test_the_intake_strings_are_translated_into_every_language():
    import polib
    from django.conf import settings as django_settings

    intake = {
        "Report a problem", "Send report", "Who will read your report", "Your receipt code",
        "Read answers", "What happened?", "This code and passphrase do not open a report. "
        "Check them and try again.",
    }  # fmt: skip
    for code, _name in django_settings.LANGUAGES:
        if code == "en":
            continue
        folder = "zh_Hans" if code == "zh-hans" else code
        po = polib.pofile(
            str(django_settings.BASE_DIR / "locale" / folder / "LC_MESSAGES/django.po")
        )
        translated = {e.msgid for e in po.translated_entries() if not e.fuzzy}
        assert intake <= translated, (code, intake - translated)


def test_the_operator_handles_the_programs_channel(client, operator_org, olivia):
    made = channel(operator_org, olivia)
    client.force_login(olivia)
    index = client.get(reverse("grievances:operator"), follow=True)
    assert made.slug in index.content.decode()
    page = client.get(reverse("grievances:report", args=[made.slug])).content.decode()
    assert f"The grievance team of {operator_org.name}." in page


def test_a_handler_makes_a_channel_for_a_supplier_site_only_with_a_key(client, org_a, alice):
    from hrdd.grievances.models import Channel
    from hrdd.suppliers.services import site_create, supplier_create

    supplier = supplier_create(organisation=org_a, name="Mekong", country="VN", email="m@x.example")
    site = site_create(supplier=supplier, name="Dye house", country="VN")
    client.force_login(alice)
    url = reverse("grievances:index", args=[org_a.pk])
    data = {"name": "Dye house workers", "site": site.pk, "languages": ["vi", "my"]}
    refused = client.post(url, data)
    assert "Set your grievance passphrase first" in refused.content.decode()
    client.post(reverse("grievances:key", args=[org_a.pk]), {"passphrase": PASSPHRASE})
    client.post(url, data)
    made = Channel.objects.get()
    assert (made.site, made.languages) == (site, ["vi", "my"])


def test_the_outcome_reaches_the_reporter_and_closes_the_case(client, org_a, alice, channel_a):
    _page, code = send(client, channel_a)
    case = Case.objects.get()
    handler = client.__class__()
    unlock(handler, org_a, alice)
    url = reverse("grievances:case", args=[org_a.pk, case.pk])
    handler.post(url, {"action": "outcome", "body": "Passports returned to all twelve workers."})
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED and case.closed_at
    page = client.post(reverse("grievances:receipt", args=[channel_a.slug]), {"code": code})
    assert "Passports returned to all twelve workers." in page.content.decode()


def test_an_unlocked_key_is_not_in_the_database_and_a_wrong_passphrase_unlocks_nothing(
    client, org_a, alice, channel_a
):
    send(client, channel_a)
    case = Case.objects.get()
    client.force_login(alice)
    url = reverse("grievances:case", args=[org_a.pk, case.pk])
    wrong = client.post(reverse("grievances:unlock", args=[org_a.pk]), {"passphrase": "nope"})
    assert "This passphrase does not unlock your key." in wrong.content.decode()
    assert SECRET_STORY not in client.get(url).content.decode()
    unlock(client, org_a, alice)
    assert SECRET_STORY in client.get(url).content.decode()
    private_key = services.handler_key_unlock(key=alice.grievance_key, passphrase=PASSPHRASE)
    dump = _dump().encode("latin-1", "replace")
    assert private_key not in dump
    for encoded in (private_key.hex().encode(), base64.b64encode(private_key)):
        assert encoded not in dump
    # "Lock" ends it.
    client.post(reverse("grievances:unlock", args=[org_a.pk]), {"action": "lock"})
    assert SECRET_STORY not in client.get(url).content.decode()


def test_a_code_opens_nothing_on_another_channel(client, org_a, alice, org_b, carol, channel_a):
    other = channel(org_b, carol)
    _page, code = send(client, channel_a)
    page = client.post(reverse("grievances:receipt", args=[other.slug]), {"code": code})
    assert "do not open a report" in page.content.decode()
    assert SECRET_STORY not in page.content.decode()


def test_reports_are_rate_limited_per_address_bucket(client, channel_a, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "grievance": {"reporter": "2/h"}}
    url = reverse("grievances:report", args=[channel_a.slug])
    got = [client.post(url, {"what": "x"}).status_code for _ in range(3)]
    assert got == [200, 200, 429]
    assert Case.objects.count() == 2
