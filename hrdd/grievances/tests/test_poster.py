"""The channel's printable poster: the handler picks the workers' languages and gets a PDF
with one page each, the channel's address and its QR code; nobody else gets it."""

import pytest
from django.urls import reverse
from pypdf import PdfReader

from hrdd.grievances import poster
from hrdd.testing.grievances import channel

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> list[str]:
    import io

    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_the_handler_gets_one_page_per_chosen_language(client, org_a, alice):
    made = channel(org_a, alice, languages=("en", "ja", "vi"))
    url = reverse("grievances:poster", args=[org_a.pk, made.pk])
    client.force_login(alice)
    page = client.get(url)
    assert page.status_code == 200 and "Vietnamese" in page.content.decode()
    response = client.get(url, {"languages": ["vi", "ja"]})
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_text(response.content)
    assert len(pages) == 2
    # In the channel's order of languages, the one the handler set up.
    assert "職場の問題を知らせる" in pages[0]
    assert "Báo cáo vấn đề tại nơi làm việc" in pages[1]
    assert all(made.slug in text for text in pages)
    assert "<svg" in poster.qr_svg(poster.channel_url(made))


def test_the_index_links_to_the_poster(client, org_a, alice):
    made = channel(org_a, alice)
    client.force_login(alice)
    page = client.get(reverse("grievances:index", args=[org_a.pk])).content.decode()
    assert reverse("grievances:poster", args=[org_a.pk, made.pk]) in page


def test_a_language_the_channel_does_not_offer_is_refused(client, org_a, alice):
    made = channel(org_a, alice, languages=("en",))
    client.force_login(alice)
    url = reverse("grievances:poster", args=[org_a.pk, made.pk])
    page = client.get(url, {"languages": ["th"]})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "Select a valid choice" in page.content.decode()


def test_only_the_channels_handlers_get_the_poster(client, org_a, alice, bob, carol):
    made = channel(org_a, alice)
    url = reverse("grievances:poster", args=[org_a.pk, made.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(carol)  # another buyer's owner
    assert client.get(url, {"languages": ["en"]}).status_code == 404
    client.force_login(bob)  # a viewer of the same buyer
    assert client.get(url, {"languages": ["en"]}).status_code == 403
