"""Signs of forced labour or trafficking: the checklist flags the case, the handlers are
alerted without content, the reporter is shown where to get help, and the operator keeps
the help directory."""

import csv
from pathlib import Path

import pytest
from django.urls import reverse

from hrdd.grievances import redflags
from hrdd.grievances.models import Case, CaseEvent, HelpContact
from hrdd.notifications.models import OutboundEmail
from hrdd.testing.grievances import SECRET_STORY, channel, help_directory, send, unlock

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def directory(db):
    return help_directory()


@pytest.fixture
def channel_a(org_a, alice):
    return channel(org_a, alice)


def test_every_question_stands_for_an_ilo_indicator_of_the_shipped_data():
    shipped = Path(redflags.__file__).resolve().parents[1] / "reference" / "data"
    with open(shipped / "ilo_forced_labour_indicators.csv", newline="") as f:
        ids = {row["indicator_id"] for row in csv.DictReader(f)}
    assert {indicator for _f, _q, indicator in redflags.QUESTIONS} <= ids


def test_a_ticked_question_flags_the_case_alerts_the_handler_and_shows_help(
    client, channel_a, alice
):
    page, code = send(client, channel_a, flag_documents="on", flag_debt="on")
    text = page.content.decode()
    assert code
    assert "Where to get help now" in text
    assert "0120-811-610" in text  # the help directory, shown at once
    case = Case.objects.get()
    assert case.red_flagged_at is not None
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.RED_FLAG).count() == 1
    mail = OutboundEmail.objects.get(template="grievance_red_flag")
    assert mail.to == alice.email
    for part in (mail.subject, mail.body_text, mail.body_html):
        assert SECRET_STORY not in part and "passport" not in part.lower()
    assert reverse("grievances:case", args=[channel_a.organisation_id, case.pk]) in mail.body_text


def test_no_tick_no_flag_no_mail_no_help_block(client, channel_a):
    page, _code = send(client, channel_a)
    assert "Where to get help now" not in page.content.decode()
    assert Case.objects.get().red_flagged_at is None
    assert not OutboundEmail.objects.filter(template="grievance_red_flag").exists()


def test_a_tick_in_a_reply_flags_the_case_once(client, channel_a):
    _page, code = send(client, channel_a)
    receipt = reverse("grievances:receipt", args=[channel_a.slug])
    page = client.post(receipt, {"code": code, "reply": "They took my phone", "flag_threats": "on"})
    assert "Where to get help now" in page.content.decode()
    client.post(receipt, {"code": code, "flag_movement": "on"})
    assert Case.objects.get().red_flagged_at is not None
    assert OutboundEmail.objects.filter(template="grievance_red_flag").count() == 1


def test_the_handler_sees_the_indicators_and_the_referral_checklist(
    client, channel_a, org_a, alice
):
    send(client, channel_a, flag_documents="on")
    case = Case.objects.get()
    handler = client.__class__()
    unlock(handler, org_a, alice)
    text = handler.get(reverse("grievances:case", args=[org_a.pk, case.pk])).content.decode()
    assert "Referral checklist" in text
    assert "Retention of identity documents" in text
    assert "Do not confront the employer" in text


def test_the_help_page_is_public_and_lists_the_site_country_first(client, org_a, alice):
    from hrdd.suppliers.services import site_create, supplier_create

    supplier = supplier_create(
        organisation=org_a, name="Osaka Parts", country="JP", email="x@o.example"
    )
    made = channel(org_a, alice, site=site_create(supplier=supplier, name="Plant", country="JP"))
    text = client.get(reverse("grievances:help", args=[made.slug])).content.decode()
    assert text.index("110") < text.index("0120-811-610")
    assert "National Human Trafficking Hotline" not in text  # another country's
    assert "Not checked yet" in text  # unverified entries say so


def test_the_help_page_in_japanese(client, channel_a):
    page = client.get(reverse("grievances:help", args=[channel_a.slug]), HTTP_ACCEPT_LANGUAGE="ja")
    assert "今すぐ相談できるところ" in page.content.decode()


# --- The operator's help directory ------------------------------------------------------------


def entry(**extra):
    return {
        "country": "VN",
        "name": "Hotline 111",
        "phone": "111",
        "source_url": "https://example.org/source",
        **extra,
    }


@pytest.mark.parametrize(
    "url",
    [
        reverse("grievances:help_directory"),
        reverse("grievances:help_contact_new"),
        "/grievances/help/1/",
    ],
)
def test_only_the_operator_reaches_the_help_directory(client, url, alice, bob, carol, olivia):
    assert client.get(url).status_code == 302  # to the login page
    for user in (alice, bob, carol):  # buyers' owners, viewers: not found
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(olivia)
    first = HelpContact.objects.order_by("pk").first()
    assert client.get(url.replace("/1/", f"/{first.pk}/")).status_code == 200


def test_the_operator_adds_and_verifies_an_entry(client, olivia):
    client.force_login(olivia)
    new = reverse("grievances:help_contact_new")
    page = client.post(new, entry(verified="on"))
    assert "Give the date it was verified." in page.content.decode()
    response = client.post(new, entry(verified="on", verified_on="2026-12-01"))
    assert response.status_code == 302
    made = HelpContact.objects.get(name="Hotline 111")
    assert made.verified and str(made.verified_on) == "2026-12-01"
    client.post(reverse("grievances:help_contact", args=[made.pk]), entry(name="Hotline 112"))
    made.refresh_from_db()
    assert made.name == "Hotline 112" and not made.verified


def test_the_first_entries_are_unverified_but_the_official_emergency_number():
    verified = set(HelpContact.objects.filter(verified=True).values_list("phone", flat=True))
    assert verified == {"110"}
    assert all(c.source_url for c in HelpContact.objects.all())
