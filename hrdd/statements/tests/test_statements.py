"""The yearly statement: figures from the buyer's own data, what is missing said in words,
confidential campaigns only through the policy, versions, exports, and who may see what."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from hrdd import policy
from hrdd.statements import render
from hrdd.statements.figures import gather
from hrdd.statements.models import Statement, StatementVersion
from hrdd.statements.services import statement_create, statement_save
from hrdd.testing import world
from hrdd.testing.statements import year_of_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(org_a, alice, campaign_a, disclosed):
    return year_of_data(org_a, alice, campaign_a, disclosed)


@pytest.fixture
def statement(org_a, alice, data):
    return statement_create(organisation=org_a, year=2026, framework="uk_msa", by=alice)


def _texts(figures) -> dict[str, list[str]]:
    """Block key -> its sentences, as the reader sees them."""
    out = {}
    for key, block in figures["blocks"].items():
        out[key] = [render.sentence(i["code"], i["params"]) for i in block["items"]]
    return out


def test_the_figures_come_from_the_year_s_data(org_a, data):
    figures = gather(organisation=org_a, year=2026)
    texts = _texts(figures)
    assert "Suppliers on the list: 3" in texts["supply_chain"]
    assert texts["policies"] == [
        "Human-rights policy: Human rights policy 2026, adopted April 1, 2026"
    ]
    assert texts["risk"][0].endswith("3, of which 1 high, 1 medium and 1 low priority")
    assert "Findings recorded: 3" in texts["remediation"]
    assert "Findings closed: 1" in texts["remediation"]
    assert "Corrective action plans requested: 1" in texts["remediation"]
    assert "Grievances received: 1" in texts["grievances"]
    assert "Median days from a finding to its close: 12" in texts["effectiveness"]
    assert "Commitments to stakeholders kept: 0 of 1" in texts["effectiveness"]
    assert any(
        t.startswith(
            "Disclosed 2026 (disclosed): 2 responses from 3 suppliers invited (response rate 67 %)"
        )
        for t in texts["campaigns"]
    )
    assert "Findings recorded: 3 (2025: 1)" in texts["changes"]
    assert texts["dialogue"][0].startswith(
        "March 10, 2026, Meeting with the garment workers' union (Trade union)"
    )
    # Every figure links to its source page.
    for block in figures["blocks"].values():
        for item in block["items"]:
            assert item["url"].startswith("/"), item


def test_a_confidential_campaign_shows_the_policy_band_never_the_count(org_a, data, campaign_a):
    figures = gather(organisation=org_a, year=2026)
    [confidential] = [
        i for i in figures["blocks"]["campaigns"]["items"] if i["code"] == "campaign_confidential"
    ]
    # 7 responses: the statement says what the campaign page says, a band from the policy.
    assert (confidential["params"]["low"], confidential["params"]["high"]) == policy.response_band(
        7, campaign_a.min_responses
    )
    assert "n" not in confidential["params"] and "rate" not in confidential["params"]
    sentence = render.sentence("campaign_confidential", confidential["params"])
    assert "7" not in sentence
    # No supplier of the confidential campaign is named anywhere in the figures.
    everything = str(figures)
    for name in ("Hanoi Garments", "Kansai Parts", "Bangkok Seafood"):
        assert name not in everything


def test_a_year_with_no_data_says_what_is_missing(client, org_a, alice):
    client.force_login(alice)
    response = client.post(
        reverse("statements:list", args=[org_a.pk]), {"framework": "au_msa", "year": "2019"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    for sentence in (
        "No campaign ran in 2019.",
        "No risk ranking was computed by the end of 2019.",
        "No finding or corrective action plan was recorded in 2019.",
        "No grievance channel was open in 2019.",
        "No policy document was adopted by the end of 2019.",
        "There are no figures for 2018 to compare with.",
        "The platform holds no data for this section",
    ):
        assert sentence in page, sentence


def test_bad_input_names_the_field(client, org_a, alice, statement):
    client.force_login(alice)
    url = reverse("statements:list", args=[org_a.pk])
    response = client.post(url, {"framework": "uk_msa", "year": "2026"})
    assert response.status_code == 422
    assert "You already have a statement for this law and year" in response.content.decode()
    response = client.post(url, {"framework": "uk_msa", "year": "3000"})
    assert (
        response.status_code == 422
        and "Give a year from 2000 to this year" in response.content.decode()
    )


def test_each_save_is_a_version_and_an_old_one_reads_as_saved(
    client, org_a, alice, statement, data
):
    client.force_login(alice)
    builder = reverse("statements:builder", args=[org_a.pk, statement.pk])
    client.post(builder, {"policies": "Our first draft."})
    world.finding_at(data["suppliers"][2], by=alice, title="Found after version 2")
    client.post(builder, {"policies": "Our second draft."})
    assert list(statement.versions.values_list("number", flat=True)) == [3, 2, 1]
    versions = client.get(reverse("statements:versions", args=[org_a.pk, statement.pk]))
    assert (
        "Version 3" in versions.content.decode() and "alice@a.example" in versions.content.decode()
    )
    old = client.get(
        reverse("statements:version", args=[org_a.pk, statement.pk, 2])
    ).content.decode()
    assert "Our first draft." in old and "Findings recorded: 3" in old
    new = client.get(
        reverse("statements:version", args=[org_a.pk, statement.pk, 3])
    ).content.decode()
    assert "Our second draft." in new and "Findings recorded: 4" in new
    page = client.get(builder).content.decode()
    assert "Our second draft." in page  # the builder starts from the latest text


def test_every_url_answers_only_the_buyer_s_team(client, org_a, alice, bob, carol, statement):
    urls = [
        reverse("statements:list", args=[org_a.pk]),
        reverse("statements:builder", args=[org_a.pk, statement.pk]),
        reverse("statements:versions", args=[org_a.pk, statement.pk]),
        reverse("statements:version", args=[org_a.pk, statement.pk, 1]),
        reverse("statements:export_docx", args=[org_a.pk, statement.pk, 1]),
        reverse("statements:export_pdf", args=[org_a.pk, statement.pk, 1]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302, url  # anonymous: to the login
    client.force_login(carol)
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    client.force_login(bob)  # a viewer reads and exports, never writes
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.post(urls[0], {"framework": "de_lksg", "year": "2026"}).status_code == 403
    assert client.post(urls[1], {"policies": "Sneaky"}).status_code == 403
    assert StatementVersion.objects.count() == 1 and Statement.objects.count() == 1
    client.force_login(alice)
    missing = reverse("statements:version", args=[org_a.pk, statement.pk, 9])
    assert client.get(missing).status_code == 404


def test_the_docx_reads_back_with_the_text_and_the_figures(client, org_a, alice, statement, data):
    statement_save(statement=statement, texts={"training": "All buyers trained."}, by=alice)
    client.force_login(alice)
    url = reverse("statements:export_docx", args=[org_a.pk, statement.pk, 2])
    response = client.get(url)
    assert response["Content-Disposition"].endswith('statement-uk_msa-2026-v2-en.docx"')
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "UK Modern Slavery Act 2015, section 54: statement for 2026" in text
    assert "All buyers trained." in text
    assert "Findings recorded: 3 (source: http://testserver/remediation/" in text
    japanese = client.get(url + "?language=ja")
    text = "\n".join(p.text for p in Document(io.BytesIO(japanese.content)).paragraphs)
    assert "All buyers trained." in text
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text.replace("All buyers trained.", ""))
    assert "Findings recorded" not in text


def test_the_pdf_reads_back_in_english_and_japanese(client, org_a, alice, statement, data):
    client.force_login(alice)
    url = reverse("statements:export_pdf", args=[org_a.pk, statement.pk, 1])
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Modern Slavery Act" in text and "Findings recorded: 3" in text
    japanese = client.get(url + "?language=ja")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(japanese.content)).pages)
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text)
