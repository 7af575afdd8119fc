"""Lists on a phone (375 px wide, real chromium): no sideways scrolling, no column squeezed
to a word per line; each row a block whose cells carry their column's name."""

import pytest
from django.urls import reverse

from hrdd.suppliers.services import supplier_create
from hrdd.testing.browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 800}


def test_buyer_lists_fit_a_phone(browser, live_server, alice, org_a, campaign_a):
    for number in range(12):
        supplier_create(
            organisation=org_a,
            name=f"Chiang Mai Seafood Processing Co., Ltd. {number}",
            country="TH",
            industry="fisheries",
            size_band="250-999",
            contact_name="Somchai Wongsakul",
            email=f"procurement.office{number}@chiangmai-seafood-processing.example",
            language="th",
        )
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, alice)
    for path, label in [
        (reverse("campaigns:dashboard"), "Campaign"),
        (reverse("suppliers:list", args=[org_a.pk]), "Name"),
    ]:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        first_cell = page.locator("table.stack tbody tr td").first
        before = first_cell.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert before == f'"{label}"', path
        # The opening date stays on one line instead of one word per line.
        if label == "Campaign":
            date = page.locator("td.date").first
            height = date.evaluate("cell => cell.getBoundingClientRect().height")
            assert height < 40, height
    context.close()
