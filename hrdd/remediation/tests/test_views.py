"""The buyer's pages by role, the supplier's link in Japanese, evidence uploads, the e-mail
through the outbox, and a hostile buyer posting a confidential response."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from hrdd.core.logging import redact
from hrdd.core.ratelimit import LIMITED_VIEWS
from hrdd.organisations.models import Membership
from hrdd.remediation import services
from hrdd.remediation.models import Evidence, Finding
from hrdd.testing.testfiles import jpeg_with_exif, not_an_image, small_pdf
from hrdd.testing.world import (
    CAP_LINK,
    body,
    cap_opened,
    cap_proposed,
    crisis_campaign,
    deliver,
    finding_at,
    member,
    received_by,
    submit_disclosed,
    submit_response,
    supplier,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sato(org_a):
    return supplier(org_a, "Kansai Parts", country="JP", language="ja")


@pytest.fixture
def finding(sato, alice):
    return finding_at(sato, by=alice)


def urls(org_a, finding):
    return [
        reverse("remediation:list", args=[org_a.pk]),
        reverse("remediation:create", args=[org_a.pk]),
        reverse("remediation:dashboard", args=[org_a.pk]),
        reverse("remediation:dashboard_export", args=[org_a.pk, "csv"]),
        reverse("remediation:dashboard_export", args=[org_a.pk, "xlsx"]),
        reverse("remediation:timelines", args=[org_a.pk]),
        reverse("remediation:detail", args=[org_a.pk, finding.pk]),
    ]


def test_every_role_of_the_buyer_reads_and_only_editors_write(client, org_a, finding, bob, carol):
    analyst = member(org_a, "ann@northwind.example", Membership.Role.ANALYST)
    for user in (bob, analyst):
        client.force_login(user)
        for url in urls(org_a, finding):
            assert client.get(url).status_code == 200, url
        step = reverse("remediation:step", args=[org_a.pk, finding.pk])
        assert client.post(step, {"step": "open"}).status_code == 403
        assert client.post(urls(org_a, finding)[1], {}).status_code == 403
        assert client.post(urls(org_a, finding)[5], {"cap_days": 3}).status_code == 403
    finding.refresh_from_db()
    assert finding.status == Finding.Status.NEW
    client.force_login(carol)
    for url in urls(org_a, finding):
        assert client.get(url).status_code == 404, url
    client.logout()
    assert client.get(urls(org_a, finding)[0]).status_code == 302  # to the login page


def test_a_hostile_buyer_posting_a_confidential_response_is_refused(client, org_a, sato, alice):
    response = submit_response(crisis_campaign(org_a))
    client.force_login(alice)
    page = client.post(
        reverse("remediation:create", args=[org_a.pk]),
        {
            "supplier": sato.pk,
            "source": "assessment",
            "response": response.pk,
            "topic": "forced_labour",
            "severity": "priority",
            "title": "Passports kept",
            "evidence": "From the answers",
            "observed_on": timezone.localdate().isoformat(),
        },
    )
    assert page.status_code == 422
    assert "This response is confidential" in page.content.decode()
    assert not Finding.objects.exists()


def test_the_supplier_works_on_its_plan_in_japanese_by_email_link(
    client, django_capture_on_commit_callbacks, smtp_running, sato, finding, alice
):
    client.force_login(alice)
    step = reverse("remediation:step", args=[finding.organisation_id, finding.pk])
    deliver(django_capture_on_commit_callbacks, lambda: client.post(step, {"step": "open"}))
    [mail] = received_by(smtp_running, sato.email)
    assert "是正措置計画" in mail.message["Subject"]
    token = CAP_LINK.search(body(mail)).group(1)
    supplier_client = type(client)()
    url = f"/c/{token}/"
    page = supplier_client.get(url)
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    text = page.content.decode()
    assert 'lang="ja"' in text and "根本原因" in text
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    form = {
        "action": "propose",
        "rows": "2",
        "root_cause": "夜間の警備員が鍵を保管していた",
        "action-1-kind": "corrective",
        "action-1-description": "非常口の鍵を外す",
        "action-1-owner": "佐藤",
        "action-1-due_on": due,
        "action-2-kind": "preventive",
        "action-2-description": "毎日点検する",
        "action-2-owner": "田中",
        "action-2-due_on": past,
    }
    refused = supplier_client.post(url, form)
    assert refused.status_code == 422
    assert "は過去の日付です" in refused.content.decode()
    assert "夜間の警備員" in refused.content.decode()  # nothing typed is lost
    sent = deliver(
        django_capture_on_commit_callbacks,
        lambda: supplier_client.post(url, {**form, "action-2-due_on": due}),
    )
    assert sent.status_code == 302
    [told] = received_by(smtp_running, alice.email)  # who recorded the finding
    assert "Kansai Parts sent its corrective action plan" in told.message["Subject"]
    finding.refresh_from_db()
    assert finding.status == Finding.Status.PROPOSED
    assert finding.cap.actions.count() == 2
    # The buyer accepts; the supplier reports an action done with a photo.
    deliver(django_capture_on_commit_callbacks, lambda: client.post(step, {"step": "accept"}))
    assert len(received_by(smtp_running, sato.email)) == 2
    action = finding.cap.actions.first()
    done = supplier_client.post(
        url,
        {"action": "done", "action_id": action.pk, "note": "外しました", "file": jpeg_with_exif()},
    )
    assert done.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    timeline = client.get(reverse("remediation:detail", args=[finding.organisation_id, finding.pk]))
    assert "Action reported done" in timeline.content.decode()


def test_an_unknown_link_is_a_plain_404(client):
    page = client.get("/c/AAAA-BBBB-CCCC-DDDD-EEEE/")
    assert page.status_code == 404
    assert "This link does not work" in page.content.decode()


def test_evidence_is_checked_by_content_and_images_lose_their_metadata(
    client, org_a, finding, alice, settings
):
    client.force_login(alice)
    step = reverse("remediation:step", args=[org_a.pk, finding.pk])
    wrong = client.post(step, {"step": "evidence", "file": not_an_image()})
    assert wrong.status_code == 422
    assert "Only PDF documents and PNG or JPEG images" in wrong.content.decode()
    settings.REMEDIATION_EVIDENCE_MAX_BYTES = 20
    large = client.post(step, {"step": "evidence", "file": small_pdf()})
    assert large.status_code == 422 and "too large" in large.content.decode()
    settings.REMEDIATION_EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
    assert not Evidence.objects.exists()
    photo = jpeg_with_exif()
    original = photo.read()
    photo.seek(0)
    assert b"SpyCam" in original
    assert client.post(step, {"step": "evidence", "file": photo}).status_code == 302
    stored = Evidence.objects.get()
    content = bytes(stored.content)
    assert stored.content_type == "image/jpeg" and b"SpyCam" not in content
    assert not Image.open(io.BytesIO(content)).getexif()
    assert not Image.open(io.BytesIO(content)).getexif().get_ifd(0x8825)  # no GPS
    download = client.get(reverse("remediation:file", args=[org_a.pk, finding.pk, stored.pk]))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert download.content == content


def test_the_dashboard_counts_and_exports(client, org_a, sato, alice):
    finding_at(sato, severity="priority")
    finding_at(sato, topic="wages_hours")
    cap, _token = cap_opened(finding_at(sato), token="C9")
    cap_proposed(cap)
    client.force_login(alice)
    page = client.get(reverse("remediation:dashboard", args=[org_a.pk])).content.decode()
    assert "Wages and working hours" in page
    csv = client.get(reverse("remediation:dashboard_export", args=[org_a.pk, "csv"]))
    text = csv.content.decode()
    assert "Open findings by severity,Priority,1" in text
    assert "Open findings by severity,Major,2" in text
    xlsx = client.get(reverse("remediation:dashboard_export", args=[org_a.pk, "xlsx"]))
    assert xlsx.content[:2] == b"PK"


def test_the_list_filters_and_pages(client, org_a, sato, alice):
    for n in range(52):
        finding_at(sato, title=f"F{n}", severity="minor" if n % 2 else "major")
    client.force_login(alice)
    url = reverse("remediation:list", args=[org_a.pk])
    page = client.get(url, {"severity": "minor"}).content.decode()
    assert page.count("F") and "F1<" in page and "F2<" not in page
    assert "Page 1 of 2" in client.get(url).content.decode()
    assert client.get(url, {"severity": "nonsense", "page": "x"}).status_code == 200


def test_the_cap_link_is_redacted_from_logs_and_rate_limited(client, finding, settings):
    _cap, token = cap_opened(finding, token="SECRET-CAP")
    assert "SECRET-CAP" not in redact(f'"POST /c/{token}/ HTTP/1.1" 429')
    assert LIMITED_VIEWS["remediation:supplier"] == "link"
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "link": {"address": "2/m"}}
    statuses = [client.post(f"/c/{token}/", {"action": "x"}).status_code for _ in range(3)]
    assert statuses[-1] == 429


def test_the_list_and_a_finding_take_the_same_queries_however_many_rows(
    client, org_a, sato, alice, django_assert_max_num_queries
):
    client.force_login(alice)
    listed = reverse("remediation:list", args=[org_a.pk])
    finding = finding_at(sato)
    cap, _token = cap_opened(finding, token="Q0")
    cap_proposed(cap)
    detail = reverse("remediation:detail", args=[org_a.pk, finding.pk])
    client.get(listed)
    with django_assert_max_num_queries(20) as few:
        client.get(listed)
        client.get(detail)
    for n in range(30):
        finding_at(supplier(org_a, f"Other {n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(listed)
        client.get(detail)


def test_a_finding_from_the_detailed_report(client, org_a, disclosed, sato, alice):
    response = submit_disclosed(disclosed, "Kansai Parts")
    client.force_login(alice)
    page = client.get(reverse("detailed:supplier", args=[disclosed.pk, response.pk]))
    link = f"/remediation/{org_a.pk}/new/?source=assessment&amp;response={response.pk}"
    assert link in page.content.decode()
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert f'<option value="{response.pk}" selected>' in form
    created = client.post(
        link.replace("&amp;", "&"),
        {
            "supplier": sato.pk,
            "source": "assessment",
            "response": response.pk,
            "topic": "wages_hours",
            "severity": "major",
            "title": "Overtime unpaid",
            "evidence": "Answer to the wages question",
            "observed_on": timezone.localdate().isoformat(),
        },
    )
    assert created.status_code == 302
    assert Finding.objects.get().response == response


def test_a_closed_plan_cannot_be_edited_and_nothing_typed_is_lost(client, org_a, sato, alice):
    finding = finding_at(sato)
    cap, token = cap_opened(finding)
    cap_proposed(cap)
    services.cap_accept(cap=cap, by=alice)
    for action in cap.actions.all():
        services.action_complete(action=action, note="Done")
    services.cap_verify(cap=cap, by=alice, method="desk")
    services.finding_close(finding=finding, by=alice)
    page = reverse("remediation:supplier", args=[token])
    client.cookies["django_language"] = "en"
    later = (timezone.localdate() + timedelta(days=30)).isoformat()
    refused = client.post(page, {"action": "extension", "until": later, "reason": "Holidays ahead"})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "This finding is closed" in html and "Holidays ahead" in html
    client.force_login(alice)
    step = reverse("remediation:step", args=[org_a.pk, finding.pk])
    again = client.post(step, {"step": "changes", "note": "Please add a training record"})
    assert again.status_code == 422
    html = again.content.decode()
    assert "This finding is closed" in html and "Please add a training record" in html
    cap.refresh_from_db()
    assert cap.extension_until is None and cap.review_note == ""
