"""The stakeholder dialogue log: the buyer's team reads it, editors write it, every change
is in its history, names only with consent, documents only as PDFs under the limit."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hrdd.cycle.services import MAX_BYTES
from hrdd.dialogue import selectors
from hrdd.dialogue.models import Commitment, DialogueEvent, Participant
from hrdd.dialogue.services import commitment_add, document_add, participant_add
from hrdd.testing.statements import engagement
from hrdd.testing.testfiles import small_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(org_a, alice):
    return engagement(org_a, alice)


def _urls(org, meeting, commitment, document):
    return [
        reverse("dialogue:list", args=[org.pk]),
        reverse("dialogue:create", args=[org.pk]),
        reverse("dialogue:detail", args=[org.pk, meeting.pk]),
        reverse("dialogue:edit", args=[org.pk, meeting.pk]),
        reverse("dialogue:commitment", args=[org.pk, commitment.pk]),
        reverse("dialogue:document_file", args=[org.pk, document.pk]),
    ]


@pytest.fixture
def everything(org_a, alice, meeting):
    commitment = commitment_add(
        engagement=meeting,
        description="Audit overtime at both mills",
        owner="Head of sourcing",
        due_on=date(2026, 6, 30),
        by=alice,
    )
    document = document_add(engagement=meeting, title="Minutes", upload=small_pdf(), by=alice)
    return commitment, document


def test_the_team_reads_every_page_and_outsiders_get_nothing(
    client, org_a, alice, bob, carol, meeting, everything
):
    urls = _urls(org_a, meeting, *everything)
    client.force_login(bob)  # a viewer reads
    for url in urls:
        expected = 403 if url.endswith(("/new/", "/edit/")) else 200
        assert client.get(url).status_code == expected, url
    client.force_login(carol)
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302, url


def test_a_viewer_cannot_write(client, org_a, bob, meeting, everything):
    client.force_login(bob)
    commitment, _document = everything
    posts = [
        reverse("dialogue:create", args=[org_a.pk]),
        reverse("dialogue:edit", args=[org_a.pk, meeting.pk]),
        reverse("dialogue:participant_add", args=[org_a.pk, meeting.pk]),
        reverse("dialogue:commitment_add", args=[org_a.pk, meeting.pk]),
        reverse("dialogue:document_add", args=[org_a.pk, meeting.pk]),
        reverse("dialogue:commitment", args=[org_a.pk, commitment.pk]),
    ]
    for url in posts:
        assert client.post(url, {"status": "done"}).status_code == 403, url
    assert Commitment.objects.get().status == Commitment.Status.OPEN


def test_recording_a_meeting_and_following_up_a_commitment(client, org_a, alice):
    client.force_login(alice)
    response = client.post(
        reverse("dialogue:create", args=[org_a.pk]),
        {
            "title": "Community meeting in Dong Nai",
            "held_on": "2026-02-03",
            "group": "community",
            "topics": ["environment", "health_safety"],
            "concerns": "Dust from the dye house",
            "include_in_statement": "on",
        },
    )
    meeting = org_a_meeting = selectors.engagements_of(organisation=org_a).get()
    assert response.status_code == 302
    assert meeting.topics == ["environment", "health_safety"]
    detail = reverse("dialogue:detail", args=[org_a.pk, org_a_meeting.pk])
    response = client.post(
        reverse("dialogue:commitment_add", args=[org_a.pk, meeting.pk]),
        {"c-description": "Install filters", "c-owner": "Plant liaison", "c-due_on": "2026-01-10"},
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    page = client.get(reverse("dialogue:list", args=[org_a.pk])).content.decode()
    assert "Install filters" in page and "Overdue" in page
    response = client.post(
        reverse("dialogue:commitment", args=[org_a.pk, commitment.pk]),
        {"status": "done", "due_on": "2026-01-10", "follow_up": "Filters installed in May"},
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == "done" and commitment.follow_up == "Filters installed in May"
    page = client.get(detail).content.decode()
    assert "Done" in page and "Commitment followed up" in page
    actions = list(DialogueEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["created", "commitment_added", "commitment_updated"]
    assert (
        "No open commitment."
        in client.get(reverse("dialogue:list", args=[org_a.pk])).content.decode()
    )


def test_a_name_is_kept_only_with_consent(client, org_a, alice, meeting):
    client.force_login(alice)
    url = reverse("dialogue:participant_add", args=[org_a.pk, meeting.pk])
    response = client.post(
        url, {"p-role": "Shop steward", "p-organisation_name": "Garment union", "p-name": "Ms Hoa"}
    )
    assert response.status_code == 422
    assert "agreed to be named" in response.content.decode()
    assert "Shop steward" in response.content.decode()  # what was typed is still there
    assert not Participant.objects.exists()
    client.post(url, {"p-role": "Shop steward", "p-organisation_name": "Garment union"})
    client.post(
        url,
        {
            "p-role": "Organiser",
            "p-organisation_name": "Garment union",
            "p-name": "Mr Tuan",
            "p-name_consent": "on",
        },
    )
    named = Participant.objects.get(name="Mr Tuan")
    assert named.name_consent and named.consent_recorded_by == alice
    assert Participant.objects.get(role="Shop steward").name == ""
    # The history names the role, never the person.
    assert not DialogueEvent.objects.filter(detail__contains="Tuan").exists()
    with pytest.raises(Exception):  # noqa: B017, PT011 - the service refuses a name alone
        participant_add(engagement=meeting, role="x", organisation_name="y", name="Z", by=alice)


def test_documents_must_be_pdfs_under_the_limit(client, org_a, alice, meeting):
    client.force_login(alice)
    url = reverse("dialogue:document_add", args=[org_a.pk, meeting.pk])
    response = client.post(
        url, {"d-title": "Photo", "d-upload": SimpleUploadedFile("photo.png", b"\x89PNG...")}
    )
    assert response.status_code == 422
    assert "photo.png is not a PDF" in response.content.decode()
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (MAX_BYTES + 1))
    response = client.post(url, {"d-title": "Big", "d-upload": big})
    assert response.status_code == 422 and "the limit is 10 MB" in response.content.decode()
    response = client.post(url, {"d-title": "Minutes", "d-upload": small_pdf()})
    assert response.status_code == 302
    document = meeting.documents.get()
    got = client.get(reverse("dialogue:document_file", args=[org_a.pk, document.pk]))
    assert got.content.startswith(b"%PDF-")


def test_a_meeting_in_the_future_is_refused(client, org_a, alice):
    client.force_login(alice)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("dialogue:create", args=[org_a.pk]),
        {"title": "Next week", "held_on": tomorrow.isoformat(), "group": "ngo"},
    )
    assert response.status_code == 422
    assert "The date is in the future" in response.content.decode()


def test_statement_entries_are_the_flagged_meetings_of_the_year(org_a, alice):
    engagement(org_a, alice, title="Flagged")
    engagement(org_a, alice, title="Not flagged", include_in_statement=False)
    engagement(org_a, alice, title="Last year", held_on=date(2025, 5, 1))
    entries = selectors.statement_entries(organisation=org_a, year=2026)
    assert [e["title"] for e in entries] == ["Flagged"]
    assert "name" not in entries[0]


def test_the_log_is_read_in_a_fixed_number_of_queries(
    client, org_a, alice, django_assert_max_num_queries
):
    for n in range(6):
        meeting = engagement(org_a, alice, title=f"Meeting {n}")
        commitment_add(
            engagement=meeting,
            description=f"Do {n}",
            owner="Sourcing",
            due_on=date(2026, 1, 1),
            by=alice,
        )
    client.force_login(alice)
    url = reverse("dialogue:list", args=[org_a.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.content.decode().count("Overdue") == 6
    cycle = client.get(reverse("cycle:cycle", args=[org_a.pk])).content.decode()
    assert url in cycle and reverse("statements:list", args=[org_a.pk]) in cycle
