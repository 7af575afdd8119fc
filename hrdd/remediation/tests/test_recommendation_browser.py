"""In a real browser (chromium, axe on each page): the owner turns an impact-assessment
recommendation into a finding and a plan at its supplier's site, follows the links both
ways, and corrects a desk note; the operator reads the findings across buyers. No CSP
violation along the way."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from hrdd.remediation.models import Finding
from hrdd.suppliers.services import site_create
from hrdd.testing.browser import assert_accessible, close, log_in, new_page
from hrdd.testing.world import (
    buyers_with_findings,
    impact_finding,
    impact_note,
    impact_project,
    impact_recommendation,
    supplier,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_recommendation_becomes_a_plan_and_the_operator_reads_pooled_figures(
    browser, live_server, alice, olivia, org_a, settings
):
    lan = supplier(org_a, "Hanoi Garments", country="VN")
    mill = site_create(supplier=lan, name="Mill 2", country="VN")
    project = impact_project(org_a, alice, sites=[mill])
    held = impact_finding(project, alice, "Passports held by the employer")
    impact_recommendation(project, alice, finding=held)
    impact_note(project, alice)
    page = new_page(browser, live_server)
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}{reverse('impact:detail', args=[org_a.pk, project.pk])}")
    page.get_by_role("link", name="Edit the note").click()
    assert_accessible(page, "desk note form")
    page.get_by_label("Note").fill("ILO and UNICEF reports on the sector")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=The note was saved.")
    page.get_by_role("link", name="Make it a corrective action plan").click()
    assert_accessible(page, "plan from a recommendation")
    # The project's one site is chosen; only the severity is left.
    page.get_by_label("Severity").select_option("priority")
    page.get_by_role("button", name="Record the finding and ask for a plan").click()
    page.wait_for_selector("text=a personal link to the plan sent to the supplier")
    finding = Finding.objects.get()
    assert finding.site == mill and finding.topic == "forced_labour"
    assert_accessible(page, "finding from a recommendation")
    page.get_by_role("link", name=project.title).click()
    page.wait_for_selector("#recommendations")
    assert "Waiting for the supplier" in page.locator("#recommendations").inner_text()
    close(page)

    settings.INSIGHTS_MIN_BUYERS = 3
    # Cambodia at two buyers only: merged into "Other" with the finding in Viet Nam above.
    buyers_with_findings({"Buyer 0": {"TH": 3, "KH": 3}, "Buyer 1": {"TH": 3, "KH": 3},
                          "Buyer 2": {"TH": 3}})  # fmt: skip
    page = new_page(browser, live_server)
    # The operator's session as the test client opens it (operators log in with a second
    # factor, which is not what this test is about).
    client = Client()
    client.force_login(olivia)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}{reverse('remediation:operator')}")
    assert_accessible(page, "findings across buyers")
    text = page.locator("main").inner_text()
    assert "Thailand" in text and "Other (each too small to show)" in text
    assert "Cambodia" not in text and "Vietnam" not in text and "Hanoi" not in text
    close(page)
