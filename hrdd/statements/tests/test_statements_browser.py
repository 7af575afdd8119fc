"""An owner logs a meeting with a union and builds the year's statement in a real browser
(chromium, axe on each page): the meeting with a commitment, a participant named only with
consent, then a UK statement whose sections show the figures and what is missing, two saves
and the versions list. No CSP violation along the way."""

import pytest
from django.urls import reverse

from hrdd.dialogue.models import Commitment, Participant
from hrdd.statements.models import StatementVersion
from hrdd.testing.browser import assert_accessible, close, log_in, new_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_meeting_logged_then_a_statement_built(browser, live_server, alice, org_a):
    page = new_page(browser, live_server)
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}{reverse('dialogue:list', args=[org_a.pk])}")
    assert_accessible(page, "dialogue log")
    page.get_by_role("link", name="Record a meeting").click()
    page.get_by_label("Title").fill("Meeting with the garment union")
    page.get_by_label("Date").fill("2026-03-10")
    page.get_by_label("Stakeholder group").select_option("union")
    page.get_by_label("Wages and working hours").check()
    page.get_by_label("Concerns raised").fill("Overtime above the legal limit.")
    page.get_by_label("Include in the yearly statement").check()
    assert_accessible(page, "meeting form")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=The meeting was recorded.")
    assert_accessible(page, "meeting page")

    page.locator("#id_p-role").fill("Organiser")
    page.locator("#id_p-organisation_name").fill("Garment union")
    page.get_by_label("Name (optional)").fill("Mr Tuan")
    page.get_by_role("button", name="Add the participant").click()
    page.locator(".error-summary").wait_for()
    assert_accessible(page, "participant with an error")
    page.get_by_label("The person agreed to be named in this log").check()
    page.get_by_role("button", name="Add the participant").click()
    page.wait_for_selector("text=The participant was added.")
    assert Participant.objects.get().name == "Mr Tuan"

    page.locator("#id_c-description").fill("Audit overtime at both mills")
    page.locator("#id_c-owner").fill("Head of sourcing")
    page.locator("#id_c-due_on").fill("2026-06-30")
    page.get_by_role("button", name="Add the commitment").click()
    page.wait_for_selector("text=The commitment was added.")
    page.get_by_role("link", name="Audit overtime at both mills").click()
    page.get_by_label("Status").select_option("done")
    page.get_by_role("button", name="Save the follow-up").click()
    page.wait_for_selector("text=The follow-up was saved.")
    assert Commitment.objects.get().status == "done"

    page.goto(f"{live_server.url}{reverse('statements:list', args=[org_a.pk])}")
    assert_accessible(page, "statements")
    page.get_by_label("Law").select_option("uk_msa")
    page.get_by_label("Reporting year").fill("2026")
    page.get_by_role("button", name="Start the statement").click()
    page.wait_for_selector("text=The statement was created.")
    text = page.locator("main").inner_text()
    assert "No campaign ran in 2026." in text
    assert "Meeting with the garment union" in text and "1 of 1 kept" in text
    assert_accessible(page, "builder")
    page.get_by_label("Training about slavery and human trafficking").fill("All buyers trained.")
    page.get_by_role("button", name="Save a new version").click()
    page.wait_for_selector("text=Version 2 was saved.")
    assert page.get_by_label("Training about slavery and human trafficking").input_value() == (
        "All buyers trained."
    )
    page.get_by_role("link", name="All versions").click()
    assert_accessible(page, "versions")
    page.get_by_role("link", name="Version 1").click()
    assert "All buyers trained." not in page.locator("main").inner_text()
    assert_accessible(page, "old version")
    assert StatementVersion.objects.count() == 2
    close(page)
