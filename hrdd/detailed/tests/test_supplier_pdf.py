"""One supplier's answers as a PDF (Detailed Report): the same gate and 404 rules as the
supplier's page, an audit entry for each export, and the answers in the reader's language."""

import io
import re

import pypdf
import pytest
from django.urls import reverse

from hrdd.campaigns.models import Campaign
from hrdd.detailed.models import AuditEntry
from hrdd.organisations.models import Organisation
from hrdd.testing.world import login, submit_disclosed, submit_response

pytestmark = pytest.mark.django_db


def pdf_url(campaign, response_id) -> str:
    return reverse("detailed:supplier_pdf", args=[campaign.pk, response_id])


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))


def test_pdf_of_one_suppliers_answers_is_audited(client, bob, disclosed):
    saigon = submit_disclosed(disclosed, "Saigon Knits")
    submit_disclosed(disclosed, "Hanoi Threads")
    page = login(client, bob).get(pdf_url(disclosed, saigon.pk))
    assert page.status_code == 200
    assert page["Content-Type"] == "application/pdf"
    assert page["Content-Disposition"] == (
        f'inline; filename="supplier-{disclosed.pk}-{saigon.pk}.pdf"'
    )
    assert page.content.startswith(b"%PDF")
    text = pdf_text(page.content)
    assert "Saigon Knits" in text and "Hanoi Threads" not in text
    assert "Mr Sato in line 3 was injured." in text  # the comment answer
    assert "Disclosed 2026" in text and "Northwind" in text
    assert "Vietnam" in text  # the supplier's country, by name
    assert "Submitted on" in text and "agreed to share with your organisation" in text
    assert "Down by 10-29%" in text  # an option answer, as text in the reader's language
    assert re.search(r"Page 1 of \d", text)
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.action, entry.supplier_name, entry.response) == (
        bob,
        "export_pdf",
        "Saigon Knits",
        saigon,
    )


def test_supplier_page_links_to_its_pdf(client, alice, disclosed):
    saigon = submit_disclosed(disclosed, "Saigon Knits")
    page = login(client, alice).get(reverse("detailed:supplier", args=[disclosed.pk, saigon.pk]))
    assert f'href="{pdf_url(disclosed, saigon.pk)}"' in page.content.decode()


def test_free_plan_is_refused_and_nothing_is_audited(client, alice, disclosed):
    saigon = submit_disclosed(disclosed, "Saigon Knits")
    disclosed.organisation.plan = Organisation.Plan.FREE
    disclosed.organisation.save()
    page = login(client, alice).get(pdf_url(disclosed, saigon.pk))
    assert page.status_code == 403
    assert "part of the paid plan" in page.content.decode()
    assert not AuditEntry.objects.exists()


def test_confidential_campaign_has_no_supplier_pdf(client, alice, campaign_a):
    response = submit_response(campaign_a)
    assert login(client, alice).get(pdf_url(campaign_a, response.pk)).status_code == 404
    assert not AuditEntry.objects.exists()


def test_other_buyer_gets_404(client, carol, disclosed):
    saigon = submit_disclosed(disclosed, "Saigon Knits")
    assert login(client, carol).get(pdf_url(disclosed, saigon.pk)).status_code == 404
    assert not AuditEntry.objects.exists()


def test_response_of_another_campaign_is_404(client, alice, disclosed, make_campaign, org_a):
    other = make_campaign(org_a, name="Other disclosed")
    other.mode = Campaign.Mode.DISCLOSED
    other.save()
    elsewhere = submit_disclosed(other, "Elsewhere Ltd")
    assert login(client, alice).get(pdf_url(disclosed, elsewhere.pk)).status_code == 404
    assert not AuditEntry.objects.exists()


def test_the_pdf_is_in_the_readers_language(client, alice, disclosed):
    saigon = submit_disclosed(disclosed, "Saigon Knits")
    login(client, alice).post(reverse("set_language"), {"language": "ja", "next": "/"})
    page = client.get(pdf_url(disclosed, saigon.pk))
    assert page.status_code == 200
    text = pdf_text(page.content).replace(" ", "")  # wrapped Japanese lines got a space
    assert "操業時間または生産量を縮小して操業している" in text  # q02 "reduced"
    assert "今回の危機や、それによる貴社の事業・従業員への影響について" in text  # q11
    assert "キャンペーン" in text and "バイヤー企業" in text
    assert "MrSatoinline3wasinjured." in text  # the supplier's own words, untranslated
