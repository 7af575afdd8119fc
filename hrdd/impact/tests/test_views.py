"""The buyer's pages of an impact assessment: who may read and write each URL, what the
pages show of interviewees (codes; names only with consent; sensitive notes only to owners
and administrators, never to the operator or in the report), the messages bad input gets,
and the report in Japanese as a page and a PDF."""

import io
import re
from datetime import timedelta

import pypdf
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hrdd.impact import consent
from hrdd.impact.models import Finding, Interview, ProjectEvent, Recommendation
from hrdd.impact.services import desk_note_add, finding_mark_salient, recommendation_add
from hrdd.suppliers.services import site_create
from hrdd.testing.urls import url_patterns
from hrdd.testing.world import (
    impact_finding,
    impact_interview,
    impact_project,
    login,
    make_superuser,
    supplier,
)

pytestmark = pytest.mark.django_db

SECRET = "The supervisor keeps our passports."
NAME = "Nguyen Van A"
# URLs that change something (their GET shows a form only writers may use).
WRITES = {
    "impact:create",
    "impact:edit",
    "impact:status",
    "impact:note_add",
    "impact:activity_add",
    "impact:interview_add",
    "impact:finding_add",
    "impact:finding_salient",
    "impact:recommendation_add",
    "impact:note_edit",
    "impact:interview_edit",
}


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def project(org_a, alice):
    return impact_project(org_a, alice)


@pytest.fixture
def full(project, alice):
    """A project with a named (consented) and an anonymous interview, findings, a salient
    issue and a recommendation."""
    named = impact_interview(
        project, alice, interviewee_name=NAME, consent_to_name=True, sensitive_notes=SECRET
    )
    anonymous = impact_interview(project, alice, group="union_rep", sensitive_notes=SECRET)
    low = impact_finding(project, alice, "Long hours", 1, 1, 1, 2, topic="health_safety")
    high = impact_finding(project, alice, "Passports held", 3, 3, 2, 3)
    finding_mark_salient(finding=high, by=alice, rationale="Workers cannot leave.")
    recommendation_add(
        project=project,
        by=alice,
        text="Return the passports",
        owner="Factory manager",
        target_date=timezone.localdate() + timedelta(days=30),
        to_become_cap=True,
        finding=high,
    )
    note = desk_note_add(project=project, by=alice, text="ILO report on the sector")
    return {"named": named, "anonymous": anonymous, "low": low, "high": high, "note": note}


def impact_urls(project, full) -> dict[str, str]:
    values = {
        "organisation_id": project.organisation_id,
        "project_id": project.pk,
        "interview_id": full["named"].pk,
        "impact_finding_id": full["high"].pk,
        "note_id": full["note"].pk,
    }
    return {
        name: reverse(name, kwargs={a: values[a] for a in arguments})
        for name, arguments in url_patterns()
        if name.startswith("impact:")
    }


def test_every_url_for_every_role(client, project, full, alice, bob, carol, olivia):
    """Owner: everything; viewer: reads only (403 on writes); another buyer and the operator:
    404 everywhere; anonymous: the login page."""
    urls = impact_urls(project, full)
    assert set(urls) >= WRITES | {"impact:list", "impact:detail", "impact:report"}
    failures = []
    for name, url in urls.items():
        post_only = name == "impact:status"
        expect = {
            alice: 405 if post_only else 200,
            bob: 405 if post_only else (403 if name in WRITES else 200),
            carol: 405 if post_only else 404,
            olivia: 405 if post_only else 404,
        }
        for user, wanted in expect.items():
            client.force_login(user)
            got = client.get(url).status_code
            if got != wanted:
                failures.append(f"{user.email} GET {name}: {got}, expected {wanted}")
        for user, wanted in [(bob, 403), (carol, 404), (olivia, 404)]:
            if name not in WRITES:
                continue
            client.force_login(user)
            got = client.post(url, {}).status_code
            if got != wanted:
                failures.append(f"{user.email} POST {name}: {got}, expected {wanted}")
        client.logout()
        got = client.get(url)
        if got.status_code not in (302, 405) or (
            got.status_code == 302 and "/accounts/login/" not in got["Location"]
        ):
            failures.append(f"anonymous GET {name}: {got.status_code}")
    assert not failures, "\n".join(failures)
    assert Finding.objects.count() == 2 and Recommendation.objects.count() == 1


def test_interviews_are_listed_by_code_names_only_with_consent(client, project, full, bob):
    page = login(client, bob).get(
        reverse("impact:detail", args=[project.organisation_id, project.pk])
    )
    html = page.content.decode()
    assert full["anonymous"].code in html and full["named"].code in html
    assert NAME in html  # consented to have the name stored
    assert html.count(NAME) == 1
    assert SECRET not in html


def test_sensitive_notes_are_for_owners_and_administrators_only(client, project, full, alice, bob):
    url = reverse(
        "impact:interview", args=[project.organisation_id, project.pk, full["anonymous"].pk]
    )
    assert SECRET in login(client, alice).get(url).content.decode()
    page = login(client, bob).get(url).content.decode()
    assert page and SECRET not in page
    assert "shown only to your organisation" in page


def test_the_operator_sees_neither_the_interviews_nor_their_notes(client, project, full):
    root = make_superuser()
    client.force_login(root)
    url = reverse("impact:interview", args=[project.organisation_id, project.pk, full["named"].pk])
    assert client.get(url).status_code == 404
    admin = client.get(reverse("admin:index")).content.decode()
    assert "impact/project/" in admin and "impact/interview/" not in admin
    events = client.get(reverse("admin:impact_projectevent_changelist")).content.decode()
    assert full["named"].code in events and SECRET not in events and NAME not in events


def test_findings_are_listed_by_priority(client, project, full, alice):
    html = (
        login(client, alice)
        .get(reverse("impact:detail", args=[project.organisation_id, project.pk]))
        .content.decode()
    )
    assert html.index("Passports held") < html.index("Long hours")
    assert "24 (high)" in html and "6 (low)" in html


def test_recording_an_interview_in_japanese(client, project, alice):
    url = reverse("impact:interview_add", args=[project.organisation_id, project.pk])
    login(client, alice)
    page = client.get(url, {"language": "ja"}).content.decode()
    text = consent.consent_text(language="ja", buyer=project.organisation.name)
    assert "任意" in text and text in page
    form = {
        "language": "ja",
        "consent_sha256": consent.consent_hash(text),
        "group": "worker",
        "taken_on": timezone.localdate().isoformat(),
        "consent_to_interview": "on",
        "interviewee_name": NAME,  # but no consent to store it
        "sensitive_notes": SECRET,
    }
    refused = client.post(url, form)
    assert refused.status_code == 422
    assert "did not agree to have the name stored" in refused.content.decode()
    assert not Interview.objects.exists()
    done = client.post(url, {**form, "interviewee_name": ""})
    assert done.status_code == 302
    interview = Interview.objects.get()
    assert interview.language == "ja" and interview.consent_text == text
    assert interview.interviewee_name == "" and interview.sensitive_notes == SECRET
    event = ProjectEvent.objects.get(action="interview_recorded")
    assert (event.by, event.detail) == (alice, interview.code)


def test_an_interview_without_consent_is_refused_with_a_message(client, project, alice):
    url = reverse("impact:interview_add", args=[project.organisation_id, project.pk])
    text = consent.consent_text(language="en", buyer=project.organisation.name)
    got = login(client, alice).post(
        url,
        {
            "language": "en",
            "consent_sha256": consent.consent_hash(text),
            "group": "worker",
            "taken_on": "2026-02-30",
        },
    )
    html = got.content.decode()
    assert got.status_code == 422
    assert "Enter a date as YYYY-MM-DD" in html
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    got = client.post(
        url,
        {
            "language": "en",
            "consent_sha256": consent.consent_hash(text),
            "group": "worker",
            "taken_on": tomorrow,
        },
    )
    assert "cannot be in the future" in got.content.decode()
    got = client.post(
        url,
        {
            "language": "en",
            "consent_sha256": consent.consent_hash(text),
            "group": "worker",
            "taken_on": timezone.localdate().isoformat(),
        },
    )
    assert got.status_code == 422
    assert "without consent to be interviewed" in got.content.decode()
    assert not Interview.objects.exists()


@pytest.mark.parametrize("value", ["4", "0", "-1", "abc", "9" * 40])
def test_a_rating_out_of_range_gets_a_message_naming_the_field(client, project, alice, value):
    url = reverse("impact:finding_add", args=[project.organisation_id, project.pk])
    got = login(client, alice).post(
        url,
        {
            "topic": "forced_labour",
            "title": "Passports held",
            "scale": value,
            "scope": "2",
            "irremediability": "2",
            "likelihood": "2",
        },
    )
    html = got.content.decode()
    assert got.status_code == 422
    assert 'href="#field-scale"' in html and "Rate it from 1 to 3." in html
    assert not Finding.objects.exists()


def test_a_target_date_in_the_past_or_malformed_gets_a_message(client, project, alice):
    url = reverse("impact:recommendation_add", args=[project.organisation_id, project.pk])
    login(client, alice)
    form = {"text": "Return the passports", "owner": "Manager"}
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert (
        "cannot be in the past"
        in client.post(url, {**form, "target_date": yesterday}).content.decode()
    )
    got = client.post(url, {**form, "target_date": "31/12/2026"})
    assert got.status_code == 422 and "Enter a date as YYYY-MM-DD" in got.content.decode()
    assert not Recommendation.objects.exists()


def test_a_project_needs_a_country_and_gets_a_message(client, org_a, alice):
    got = login(client, alice).post(reverse("impact:create", args=[org_a.pk]), {"title": "X"})
    assert got.status_code == 422 and "Choose at least one country." in got.content.decode()


def test_creating_and_moving_a_project_is_in_its_timeline(client, org_a, alice):
    login(client, alice)
    got = client.post(
        reverse("impact:create", args=[org_a.pk]),
        {"title": "Cambodia garments", "countries": ["KH"], "sector": "Manufacturing"},
    )
    assert got.status_code == 302
    project = org_a.impact_projects.get()
    status_url = reverse("impact:status", args=[org_a.pk, project.pk])
    client.post(status_url, {"status": "in_progress"})
    client.post(status_url, {"status": "reported"})
    project.refresh_from_db()
    assert project.status == "reported"
    # Reported: the forms refuse with a message, nothing changes.
    got = client.post(
        reverse("impact:finding_add", args=[org_a.pk, project.pk]),
        {
            "topic": "forced_labour",
            "title": "Late",
            "scale": 1,
            "scope": 1,
            "irremediability": 1,
            "likelihood": 1,
        },
    )
    assert got.status_code == 422 and "reopen it" in got.content.decode()
    assert [e.action for e in project.events.order_by("pk")] == ["created", "status", "status"]
    assert all(e.by == alice for e in project.events.all())


def test_the_report_in_japanese_page_and_pdf(client, project, full, bob):
    login(client, bob)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    page = client.get(reverse("impact:report", args=[project.organisation_id, project.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "顕著な課題" in html and "提言" in html and "強制労働" in html
    assert "Workers cannot leave." in html and "Return the passports" in html
    assert full["named"].code in html and full["anonymous"].code in html
    assert NAME not in html and SECRET not in html
    pdf = client.get(reverse("impact:report_pdf", args=[project.organisation_id, project.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    assert "顕著な課題" in text and "提言" in text and "強制労働" in text
    assert "Passports held" in text and full["anonymous"].code in text
    assert NAME not in text and "passports." not in text


def test_the_project_page_and_report_do_not_grow_queries_with_their_rows(
    client, project, alice, org_a
):
    login(client, alice)
    urls = [
        reverse("impact:detail", args=[org_a.pk, project.pk]),
        reverse("impact:report", args=[org_a.pk, project.pk]),
    ]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    def add(number):
        site = site_create(supplier=supplier(org_a, f"Mill {number}"), name="Mill", country="VN")
        project.sites.add(site)
        impact_interview(project, alice, sensitive_notes="x")
        finding = impact_finding(project, alice, f"Finding {number}")
        finding_mark_salient(finding=finding, by=alice, rationale="Grave")
        recommendation_add(
            project=project,
            by=alice,
            text=f"Do {number}",
            owner="Manager",
            target_date=timezone.localdate(),
            finding=finding,
        )

    add(0)
    counts()  # once for what is cached per process (the laws' and sites' first reads)
    few = counts()
    for number in range(1, 6):
        add(number)
    assert counts() == few


def test_editing_the_scope_is_recorded_and_refused_once_reported(client, project, alice, org_a):
    url = reverse("impact:edit", args=[org_a.pk, project.pk])
    login(client, alice)
    form = {"title": "Viet Nam and Cambodia", "countries": ["VN", "KH"], "sector": "Agriculture"}
    assert client.post(url, form).status_code == 302
    project.refresh_from_db()
    assert sorted(c.code for c in project.countries) == ["KH", "VN"]
    assert project.sector == "Agriculture"
    assert project.events.filter(action="edited", by=alice).exists()
    project.status = "reported"
    project.save()
    got = client.post(url, {**form, "title": "Changed after the report"})
    assert got.status_code == 422 and "reopen it" in got.content.decode()
    project.refresh_from_db()
    assert project.title == "Viet Nam and Cambodia"


def test_the_timeline_is_read_in_the_readers_language(client, project, alice, org_a):
    login(client, alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    client.post(reverse("impact:status", args=[org_a.pk, project.pk]), {"status": "in_progress"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("impact:detail", args=[org_a.pk, project.pk])).content.decode()
    assert "Status changed: Draft → In progress" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    html = client.get(reverse("impact:detail", args=[org_a.pk, project.pk])).content.decode()
    assert "ステータスを変更: 下書き → 実施中" in html


def test_a_desk_note_is_edited_with_its_change_in_the_timeline(client, project, full, alice):
    url = reverse("impact:note_edit", args=[project.organisation_id, project.pk, full["note"].pk])
    login(client, alice)
    form = client.get(url).content.decode()
    assert "ILO report on the sector" in form
    empty = client.post(url, {"text": ""})
    assert empty.status_code == 422 and "Write the note." in empty.content.decode()
    assert client.post(url, {"text": "ILO and UNICEF reports on the sector"}).status_code == 302
    full["note"].refresh_from_db()
    assert full["note"].text == "ILO and UNICEF reports on the sector"
    event = ProjectEvent.objects.filter(project=project).first()
    assert event.action == "note_edited" and event.by == alice


def test_an_interview_is_corrected_its_sensitive_notes_stay_encrypted(client, project, full, alice):
    interview = full["anonymous"]
    url = reverse("impact:interview_edit", args=[project.organisation_id, project.pk, interview.pk])
    login(client, alice)
    form = client.get(url).content.decode()
    assert SECRET in form  # the owner reads them, to correct them
    assert "interviewee_name" not in form  # no consent to store a name: no field for one
    changed = "The supervisor keeps our passports and ID cards."
    posted = {"group": "worker", "taken_on": timezone.localdate().isoformat(),
              "notes": "Met at the gate", "sensitive_notes": changed,
              "interviewee_name": NAME}  # fmt: skip
    assert client.post(url, posted).status_code == 302
    stored = Interview.objects.get(pk=interview.pk)
    assert stored.group == "worker" and stored.notes == "Met at the gate"
    assert stored.interviewee_name == ""  # never stored without consent
    assert stored.sensitive_notes == changed
    assert "ID cards" not in stored.sensitive_notes_encrypted
    assert interview.consent_sha256 == stored.consent_sha256  # the consent record unchanged
    event = ProjectEvent.objects.filter(project=project).first()
    assert event.action == "interview_edited" and event.detail == interview.code
    future = {**posted, "taken_on": (timezone.localdate() + timedelta(days=3)).isoformat()}
    refused = client.post(url, future)
    assert refused.status_code == 422 and "cannot be in the future" in refused.content.decode()
    assert "Met at the gate" in refused.content.decode()  # nothing typed is lost


def test_a_named_interviewees_name_is_corrected(client, project, full, alice):
    interview = full["named"]
    url = reverse("impact:interview_edit", args=[project.organisation_id, project.pk, interview.pk])
    login(client, alice)
    posted = {"group": "worker", "taken_on": timezone.localdate().isoformat(),
              "interviewee_name": "Nguyen  Van B", "sensitive_notes": SECRET}  # fmt: skip
    assert client.post(url, posted).status_code == 302
    assert Interview.objects.get(pk=interview.pk).interviewee_name == "Nguyen Van B"
