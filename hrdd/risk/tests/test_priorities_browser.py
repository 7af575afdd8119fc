"""A buyer finds where to look first in a real browser (Debian's chromium driven by
Playwright) against a live server: the ranking with why, one supplier's breakdown, an
adjustment refused then recorded; the pages pass axe's WCAG 2.1 AA checks and the CSP."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hrdd.reference.services import shipped_load_all
from hrdd.risk.models import PriorityAdjustment
from hrdd.risk.services import assessment_compute, priorities_request
from hrdd.testing.browser import assert_accessible, close, log_in, new_page
from hrdd.testing.world import run_tasks, supplier

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_buyer_reads_why_a_supplier_comes_first_and_adjusts_it(
    browser, live_server, alice, org_a
):
    shipped_load_all()
    assessment_compute()
    supplier(org_a, "Xinjiang Silicon", country="CN", industry="electronics", goods="polysilicon")
    supplier(org_a, "Oslo Furniture", country="NO", industry="retail", goods="furniture")
    priorities_request(organisation=org_a)
    run_tasks()

    page = new_page(browser, live_server)
    log_in(page, live_server, alice, then=reverse("suppliers:list", args=[org_a.pk]))
    page.get_by_role("link", name="Where to look first: your suppliers by priority").click()
    rows = page.locator("table.ranking tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Xinjiang Silicon")
    expect(rows.nth(0)).to_contain_text("Listed for forced labour (TVPRA): Polysilicon")
    assert_accessible(page, "the ranking")

    page.get_by_role("link", name="Oslo Furniture").click()
    expect(page.get_by_role("heading", level=2, name="Breakdown")).to_be_visible()
    page.get_by_label("Points to add (negative to lower)").fill("90")
    page.get_by_label("Reason").fill("Our audit in May found locked exits.")
    page.get_by_role("button", name="Record the adjustment").click()
    expect(page.locator(".error-summary")).to_contain_text("less than or equal to 50")
    # Nothing typed is lost.
    expect(page.get_by_label("Reason")).to_have_value("Our audit in May found locked exits.")
    assert not PriorityAdjustment.objects.exists()
    assert_accessible(page, "the breakdown with an error")

    page.get_by_label("Points to add (negative to lower)").fill("30")
    page.get_by_role("button", name="Record the adjustment").click()
    expect(page.get_by_text("Your adjustment was recorded")).to_be_visible()
    expect(page.locator("table.history")).to_contain_text("Our audit in May found locked exits.")
    assert PriorityAdjustment.objects.get().points == 30
    close(page)
