"""A buyer logs in and reads a released Summary Report, then its PDF, in a real browser
(Debian's chromium driven by Playwright) against a live server."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hrdd.testing.browser import log_in
from hrdd.testing.world import release_sixty

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def released(campaign_a):
    """Sixty responses, released: single-choice questions shown with their margins, the
    multiple-choice ones still too uncertain."""
    return release_sixty(campaign_a)


def test_buyer_reads_the_summary_report_and_its_pdf(browser, live_server, alice, released):
    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server, alice, then=reverse("campaigns:detail", args=[released.pk]))

    page.get_by_role("link", name="Summary Report").click()
    page.wait_for_url(f"{live_server.url}{reverse('reports:summary', args=[released.pk])}")
    expect(page.get_by_text("Based on 60 responses")).to_be_visible()
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.get_by_text("Not shown yet: with 60 responses").first).to_be_visible()

    # Headless chromium has no PDF viewer, so the inline PDF is fetched with the page's
    # session (its cookies) rather than opened in a tab.
    link = page.get_by_role("link", name="PDF", exact=True)
    href = link.get_attribute("href")
    assert href == reverse("reports:summary_pdf", args=[released.pk])
    pdf = page.request.get(f"{live_server.url}{href}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    context.close()
