"""A buyer's owner finds which laws apply in a real browser (chromium, axe on each page):
a negative number of employees is refused with its field named and the answers kept, then
the laws appear with their reasons and links to the evidence; the entry reads in Japanese.
No CSP violation along the way."""

import pytest
from django.urls import reverse

from hrdd.laws.models import ApplicabilityAnswers
from hrdd.laws.services import library_load
from hrdd.testing.browser import assert_accessible, close, log_in, new_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_wizard_from_questions_to_laws(browser, live_server, alice, org_a):
    library_load()
    page = new_page(browser, live_server)
    log_in(page, live_server, alice)
    page.get_by_role("link", name="Laws", exact=True).click()
    assert_accessible(page, "library")
    page.get_by_role("link", name="Which laws apply to Northwind?").click()
    assert_accessible(page, "questions")
    page.get_by_label("Where is your organisation incorporated?").select_option("JP")
    page.get_by_label("Where do you sell your products or services?").select_option(["GB", "DE"])
    page.get_by_label("Into which countries do you import goods?").select_option(["US"])
    page.get_by_label("Annual turnover (group, worldwide)").fill("20000000000")
    page.get_by_label("Currency of the turnover").select_option("JPY")
    page.get_by_label("Employees (group, worldwide)").fill("-5")
    page.get_by_label("Your financial year ends in").select_option("3")
    page.get_by_role("button", name="Save and show the laws").click()
    page.locator(".error-summary").wait_for()
    assert (
        "The number of employees cannot be negative."
        in page.locator("#field-employees").inner_text()
    )
    assert page.get_by_label("Annual turnover (group, worldwide)").input_value() == "20000000000"
    assert not ApplicabilityAnswers.objects.exists()
    assert_accessible(page, "questions with an error")

    page.get_by_label("Employees (group, worldwide)").fill("1200")
    page.get_by_role("button", name="Save and show the laws").click()
    page.wait_for_selector("text=Your answers were saved.")
    results = page.locator("#results")
    text = results.inner_text()
    assert "Japan supply-chain human-rights guidelines" in text
    assert "UFLPA" in text and "Imports into United States of America." in text
    assert "EU Forced Labour Regulation" in text
    # Selling in the UK from Japan: the Act may apply, and the page says what to check.
    uk = results.locator("article", has_text="UK Modern Slavery Act s.54")
    assert "May apply: check" in uk.inner_text()
    assert "about GBP" in uk.inner_text()
    assert "Australia Modern Slavery Act" not in text
    assert_accessible(page, "results")
    results.locator("article", has_text="UFLPA").get_by_role(
        "link", name="Import-ban screening"
    ).click()
    page.wait_for_url(f"{live_server.url}{reverse('risk:bans', args=[org_a.pk])}")

    page.context.add_cookies([{"name": "django_language", "value": "ja", "url": live_server.url}])
    page.goto(f"{live_server.url}{reverse('laws:detail', args=['jp_hr_guidelines'])}")
    assert "規模を問わず日本で事業を行うすべての企業" in page.locator("#summary").inner_text()
    assert_accessible(page, "entry in Japanese")
    close(page)
