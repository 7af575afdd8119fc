"""The due-diligence cycle page: each step read from what the buyer did, with the next
action; the buyer's documents, refused when they are not what they claim to be."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hrdd.cycle.models import PolicyDocument
from hrdd.organisations.models import Membership
from hrdd.reference.services import shipped_load_all
from hrdd.testing.world import login, member, organisation_a, organisation_b, supplier

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def buyer(db):
    return organisation_a()


def add(client, org, **fields):
    data = {
        "kind": "policy",
        "title": "Human rights policy 2026",
        "adopted_on": "2026-04-01",
        "upload": SimpleUploadedFile("policy.pdf", PDF, content_type="application/pdf"),
        **fields,
    }
    return client.post(reverse("cycle:document_add", args=[org.pk]), data)


def test_the_cycle_starts_empty_and_says_what_to_do_first(buyer, client):
    shipped_load_all()
    login(client, member(buyer, "viewer@a.example", Membership.Role.VIEWER))
    page = client.get(reverse("cycle:cycle", args=[buyer.pk])).content.decode()
    assert page.count("Not started") == 6
    assert "Upload your human-rights policy." in page
    assert "Add your suppliers or import your list." in page
    assert "OECD due-diligence steps, edition" in page


def test_documents_fill_steps_one_and_five(buyer, client):
    login(client, member(buyer, "owner@a.example", Membership.Role.OWNER))
    assert add(client, buyer).status_code == 302
    url = reverse("cycle:cycle", args=[buyer.pk])
    page = client.get(url).content.decode()
    assert "Human-rights policy: Human rights policy 2026, adopted 2026-04-01" in page
    assert "Upload the code of conduct you ask suppliers to follow." in page
    add(client, buyer, kind="code", title="Supplier code")
    add(client, buyer, kind="statement", title="Modern slavery statement FY2025")
    page = client.get(url).content.decode()
    assert "Modern slavery statement FY2025, published 2026-04-01" in page
    assert page.count("In place") == 2
    document = PolicyDocument.objects.get(kind="policy")
    file = client.get(reverse("cycle:document_file", args=[buyer.pk, document.pk]))
    assert file.content == PDF and file["Content-Type"] == "application/pdf"


def test_the_list_the_ranking_and_campaigns_fill_step_two(buyer, client):
    supplier(buyer, "Hanoi Garments")
    login(client, member(buyer, "viewer@a.example", Membership.Role.VIEWER))
    page = client.get(reverse("cycle:cycle", args=[buyer.pk])).content.decode()
    assert "1 supplier on your list" in page
    assert "Rank your suppliers by risk to see where to look first." in page


def test_a_file_that_is_not_a_pdf_or_too_large_or_a_date_ahead_is_refused(buyer, client):
    login(client, member(buyer, "owner@a.example", Membership.Role.OWNER))
    fake = SimpleUploadedFile("policy.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    refused = add(client, buyer, upload=fake)
    assert refused.status_code == 422
    assert "policy.pdf is not a PDF. Save the document as a PDF and upload that." in (
        refused.content.decode()
    )
    ahead = add(client, buyer, adopted_on="2999-01-01")
    assert "The date is in the future" in ahead.content.decode()
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    assert "the limit is 10 MB" in add(client, buyer, upload=big).content.decode()
    assert not PolicyDocument.objects.exists()


def test_readers_cannot_add_or_remove_and_other_buyers_get_404(buyer, client):
    login(client, member(buyer, "owner@a.example", Membership.Role.OWNER))
    add(client, buyer)
    document = PolicyDocument.objects.get()
    login(client, member(buyer, "viewer@a.example", Membership.Role.VIEWER))
    assert add(client, buyer).status_code == 403
    delete = reverse("cycle:document_delete", args=[buyer.pk, document.pk])
    assert client.post(delete).status_code == 403
    login(client, member(organisation_b(), "owner@b.example", Membership.Role.OWNER))
    assert client.get(reverse("cycle:cycle", args=[buyer.pk])).status_code == 404
    assert (
        client.get(reverse("cycle:document_file", args=[buyer.pk, document.pk])).status_code == 404
    )
    assert client.post(delete).status_code == 404
    assert PolicyDocument.objects.exists()


def test_findings_and_grievance_cases_fill_steps_three_four_and_six(buyer, client):
    from hrdd.testing.grievances import grievance_case
    from hrdd.testing.world import finding_at

    owner = member(buyer, "owner@a.example", Membership.Role.OWNER)
    login(client, owner)
    url = reverse("cycle:cycle", args=[buyer.pk])
    page = client.get(url).content.decode()
    assert "Record what you found (an audit, a visit, a disclosed answer)" in page
    assert "Open a grievance channel for the workers at your suppliers." in page

    finding_at(supplier(buyer, "Hanoi Garments"), by=owner)
    grievance_case(buyer, owner)
    page = client.get(url).content.decode()
    assert "1 open finding" in page
    assert "Verify the plans in progress and close what is done." in page
    assert "1 grievance channel" in page and "Cases: 1 received, 0 closed" in page
