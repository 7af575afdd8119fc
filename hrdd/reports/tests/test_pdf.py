"""The Summary Report as a PDF: same access, same released figures, the reader's language.

The PDF text is read back with pypdf (a dev dependency, pure Python), which also proves that
the Japanese glyphs are embedded with a usable text mapping, not just drawn.
"""

import html
import io
import re

import pypdf
import pytest
from django.urls import reverse

from hrdd.reports.pdf import no_fetching, page_footer_content
from hrdd.reports.services import report_release_if_due
from hrdd.testing.world import PASSWORD, VALID_ANSWERS, submit_response

pytestmark = pytest.mark.django_db

MASKS = "Masks and hand-washing supplies, free of charge"


def released_campaign(campaign):
    """Sixty responses, released: single-choice figures shown, multiple choice too uncertain."""
    for i in range(60):
        answers = dict(VALID_ANSWERS)
        answers["q01_business_impact"] = "down_10_to_29" if i < 30 else "about_same"
        answers["q03_health_safety_measures"] = (
            ["risk_assessment"] if i < 5 else ["distancing_ventilation"]
        ) + (["free_masks_hygiene"] if i < 2 else [])
        submit_response(campaign, answers)
    release = report_release_if_due(campaign_id=campaign.pk)
    assert release is not None and release.number == 1
    return release


def pdf_url(campaign) -> str:
    return reverse("reports:summary_pdf", args=[campaign.pk])


def get_pdf(client, user, campaign):
    assert client.login(email=user.email, password=PASSWORD)
    response = client.get(pdf_url(campaign))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return response


def pdf_text(data: bytes) -> str:
    """The PDF's text with runs of white space (line breaks in wrapped cells) made one space."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def between(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


def test_the_pdf_shows_the_released_report_only(client, alice, campaign_a):
    released_campaign(campaign_a)
    submit_response(campaign_a)  # not released yet: must not count anywhere
    response = get_pdf(client, alice, campaign_a)
    assert response["Content-Disposition"] == (
        f'inline; filename="summary-{campaign_a.pk}-release-1.pdf"'
    )
    text = pdf_text(response.content)
    assert "Summary Report" in text
    assert "Northwind" in text and campaign_a.name in text
    assert "Based on 60 responses (release 1, produced on" in text
    assert "Free-text answers are never shown here." in text
    q01 = between(text, "how have your orders or sales changed", "operating")
    # The table row, as on the page: a share with its margin.
    assert re.search(r"Down by 10-29% Medium risk about \d+ % \(±\d+\)", q01), q01
    # Multiple choice is too uncertain at 60 responses: said so, no figure.
    q03 = between(text, "health and safety measures", "wages")
    assert "Not shown yet: with 60 responses" in q03 and MASKS not in q03
    assert "Mr Sato" not in text  # free text is never part of a summary
    assert re.search(r"Page 1 of [2-9]", text)  # footer with page counters


def test_members_only(client, bob, carol, campaign_a):
    released_campaign(campaign_a)
    assert client.get(pdf_url(campaign_a))["Location"].startswith(reverse("accounts:login"))
    assert "Based on 60 responses" in pdf_text(get_pdf(client, bob, campaign_a).content)
    client.logout()
    assert client.login(email=carol.email, password=PASSWORD)
    assert client.get(pdf_url(campaign_a)).status_code == 404


def test_the_pdf_is_in_the_readers_language(client, alice, campaign_a):
    released_campaign(campaign_a)
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    data = get_pdf(client, alice, campaign_a).content
    text = pdf_text(data).replace(" ", "")  # Japanese has no spaces; wrapped lines got one
    assert "サマリーレポート" in text
    assert "60件の回答に基づく集計です（第1版" in text
    assert "操業時間または生産量を縮小して操業している" in text  # q02 "reduced"
    assert "MrSato" not in text
    fonts = {
        str(font.get("/BaseFont"))
        for page in pypdf.PdfReader(io.BytesIO(data)).pages
        for font in page["/Resources"]["/Font"].values()
        if font.get("/BaseFont")
    }
    assert any("NotoSansCJKJP" in name.replace("-", "") for name in fonts), fonts


def test_before_the_first_release_the_pdf_explains_why_it_is_empty(client, alice, campaign_a):
    for _ in range(4):
        submit_response(campaign_a)
    response = get_pdf(client, alice, campaign_a)
    assert response["Content-Disposition"] == f'inline; filename="summary-{campaign_a.pk}.pdf"'
    text = pdf_text(response.content)
    assert "No results yet." in text and "at least 5 responses" in text
    assert "Based on" not in text
    pages = pypdf.PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) == 1 and pages[0].extract_text().startswith("Summary Report")


def test_the_report_page_links_to_the_pdf(client, alice, campaign_a):
    released_campaign(campaign_a)
    assert client.login(email=alice.email, password=PASSWORD)
    page = client.get(reverse("reports:summary", args=[campaign_a.pk])).content.decode()
    assert f'href="{pdf_url(campaign_a)}"' in page


def test_nothing_is_ever_fetched():
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    fetcher = no_fetching()
    for url in ["file:///etc/hostname", "https://example.org/x.css", "data:text/css,p{}"]:
        with pytest.raises(ValueError, match="fetches nothing"):
            fetcher(url)
    # Markup asking for a resource stops the rendering instead of leaving a silent gap.
    with pytest.raises(FatalURLFetchingError):
        HTML(string='<img src="file:///etc/hostname">', url_fetcher=fetcher).write_pdf()


def test_the_footer_is_plain_css():
    assert page_footer_content() == '"Page " counter(page) " of " counter(pages)'


def test_the_pdf_is_tagged_for_screen_readers_in_the_readers_language(client, alice, campaign_a):
    """PDF/UA-1: a structure tree (headings, tables, paragraphs) that screen readers follow,
    marked as tagged, with the document language and title set; and the report starts on
    the first page (no blank page before it)."""
    released_campaign(campaign_a)
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    reader = pypdf.PdfReader(io.BytesIO(get_pdf(client, alice, campaign_a).content))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "ja"
    assert bool(root["/MarkInfo"]["/Marked"])
    tree = root["/StructTreeRoot"].get_object()
    kinds = set()

    def walk(node, depth=0):
        node = node.get_object()
        if isinstance(node, dict) and "/S" in node:
            kinds.add(str(node["/S"]))
        kids = node.get("/K") if isinstance(node, dict) else None
        if kids is None or depth > 40:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                walk(kid, depth + 1)

    walk(tree)
    assert {"/H1", "/H2", "/Table", "/TR", "/TH", "/TD", "/P"} <= kinds, kinds
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert "サマリーレポート" in reader.metadata.title
    first = reader.pages[0].extract_text().replace(" ", "")
    assert first.startswith("サマリーレポート"), first[:200]
    assert all(page.extract_text().strip() for page in reader.pages)


def test_the_pdf_has_what_the_page_has(client, alice, campaign_a):
    """Every heading, question and answer row of the report page is in the PDF, in order."""
    released_campaign(campaign_a)
    assert client.login(email=alice.email, password=PASSWORD)
    page = client.get(reverse("reports:summary", args=[campaign_a.pk])).content.decode()
    main = page[page.index("<h1") : page.index("</main>")]
    headings = [
        re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", h))).strip()
        for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", main, re.S)
    ]
    assert len(headings) > 10
    text = pdf_text(get_pdf(client, alice, campaign_a).content)
    position = 0
    for heading in headings:
        found = text.find(heading, position)
        assert found >= 0, f"{heading!r} is on the page, not in the PDF (after {position})"
        position = found
