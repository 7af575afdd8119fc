"""An owner runs an impact assessment in a real browser (chromium, axe on each page): creates
it, reads the inherent risk of its country, cites a law, records an interview in Japanese
with its consent, rates a finding (a bad rating first), marks it salient, and reads the
report in Japanese. No CSP violation along the way."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hrdd.impact.models import Interview, Project
from hrdd.reference.services import shipped_load_all
from hrdd.risk.services import assessment_compute
from hrdd.testing.browser import assert_accessible, close, log_in, new_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_assessment_from_scope_to_report(browser, live_server, alice, org_a):
    shipped_load_all()
    assessment_compute()
    page = new_page(browser, live_server)
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}{reverse('impact:create', args=[org_a.pk])}")
    assert_accessible(page, "new assessment")
    page.get_by_label("Title").fill("Myanmar garments 2026")
    page.get_by_label("Countries").select_option(["MM"])
    page.get_by_label("Sector").select_option("Manufacturing")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=The assessment was created.")
    project = Project.objects.get()
    # The heat map's cells for the country in scope, read only.
    assert page.locator("#scope td.risk-cell").count() == 6
    assert_accessible(page, "project page")

    page.get_by_role("link", name="Add a note").click()
    page.get_by_label("Note").fill("Forced-labour reports in garment zones.")
    law = page.locator("#id_law_id option").nth(1)
    law_name = law.inner_text()
    page.locator("#id_law_id").select_option(index=1)
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#desk .card")
    assert law_name.split(" — ")[0] in page.locator("#desk").inner_text()

    page.get_by_role("link", name="Record an interview").click()
    page.get_by_label("Language of the interviewee").select_option("ja")
    page.get_by_role("button", name="Show the consent text").click()
    assert "任意" in page.locator("blockquote").inner_text()
    assert_accessible(page, "interview form")
    page.get_by_label("Date of the interview").fill(timezone.localdate().isoformat())
    page.get_by_label("The interviewee agreed to be interviewed").check()
    page.get_by_label("Sensitive notes").fill("Passports kept by the supervisor.")
    page.get_by_role("button", name="Record the interview").click()
    interview = Interview.objects.get()
    page.wait_for_selector(f"text=The interview was recorded as {interview.code}.")
    assert interview.language == "ja" and "任意" in interview.consent_text

    page.get_by_role("link", name="Add a finding").click()
    page.get_by_label("Topic").select_option("forced_labour")
    page.get_by_label("Title").fill("Passports held")
    page.get_by_label("Scale: how grave the harm is").fill("5")
    for field in ("scope", "irremediability", "likelihood"):
        page.locator(f"#id_{field}").fill("3")
    page.get_by_role("button", name="Save").click()
    page.locator(".error-summary").wait_for()
    assert "Rate it from 1 to 3." in page.locator(".error-summary").inner_text()
    assert_accessible(page, "finding form with errors")
    page.get_by_label("Scale: how grave the harm is").fill("3")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Mark salient").click()
    page.get_by_label("Why it is salient").fill("Workers cannot leave their jobs.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#salient .card")

    page.goto(f"{live_server.url}{reverse('impact:report', args=[org_a.pk, project.pk])}")
    assert_accessible(page, "report")
    # The reader's language: the same report in Japanese.
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ja", "url": live_server.url}]
    )
    page.goto(f"{live_server.url}{reverse('impact:report', args=[org_a.pk, project.pk])}")
    text = page.locator("main").inner_text()
    assert "顕著な課題" in text and "Workers cannot leave their jobs." in text
    assert interview.code in text and "Passports kept" not in text
    assert_accessible(page, "report ja")
    close(page)  # fails on any CSP violation along the way
