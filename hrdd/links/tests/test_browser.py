"""A supplier opens its personal link from a delivered e-mail on a phone, answers the first
page, leaves, comes back through the same link the next day and submits, in a real browser
(Debian's chromium driven by Playwright) against a live server and a real SMTP server."""

import re

import pytest
from playwright.sync_api import expect

from hrdd.invitations.models import Invitation
from hrdd.invitations.services import campaign_invite
from hrdd.responses.models import Answer, Response
from hrdd.suppliers.models import Supplier
from hrdd.testing.browser import PHONE
from hrdd.testing.definitions import RECRUITMENT
from hrdd.testing.world import campaign_on, run_tasks

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campaign(org_a):
    return campaign_on(RECRUITMENT, org_a, name="Recruitment 2026", languages=["en", "vi"])


def phone(browser):
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)


def test_personal_link_from_the_e_mail_to_submission_on_a_phone(
    browser, live_server, smtp_running, campaign, org_a, settings
):
    settings.SITE_URL = live_server.url
    Supplier.objects.create(
        organisation=org_a,
        name="Hanoi Garments",
        country="VN",
        contact_name="Lan",
        email="lan@hanoi-garments.example",
        language="vi",
    )
    campaign_invite(campaign=campaign)
    run_tasks()
    [delivered] = smtp_running.received
    text = delivered.message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(rf"{re.escape(live_server.url)}/i/[0-9A-Z-]+/", text).group(0)

    # Day one: the link opens in the supplier's language; the first page is answered.
    context = phone(browser)
    page = context.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra tuyển dụng")
    expect(page.get_by_text("Hanoi Garments")).to_be_visible()
    page.locator("button[value=start]").click()
    page.get_by_label("Có").first.check()
    page.get_by_label("Bao nhiêu tháng lương?").fill("2")
    page.locator("button[value=next]").click()
    expect(page.get_by_role("heading", name="Giấy tờ")).to_be_visible()
    context.close()  # leaves: a new browser session, nothing kept but the e-mail

    draft = Response.objects.get()
    assert draft.status == Response.Status.DRAFT
    assert draft.draft == {"q01_fees": "yes", "q02_months": "2"}
    assert Invitation.objects.get().response == draft

    # Day two: the same link leads back to where it stopped (page 2), page 1 kept.
    context = phone(browser)
    page = context.new_page()
    page.goto(link)
    page.locator("a.button.primary").click()
    expect(page.get_by_role("heading", name="Giấy tờ")).to_be_visible()
    page.locator("button[value=back]").click()
    expect(page.get_by_label("Bao nhiêu tháng lương?")).to_have_value("2")
    page.locator("button[value=next]").click()
    page.locator('[data-question="q03_passports"]').get_by_label("Không", exact=True).check()
    page.locator('[data-question="q04_repaid"]').get_by_label("Có").check()
    page.locator("button[value=submit]").click()
    expect(page.get_by_text("Bao nhiêu tháng lương?")).to_be_visible()  # the receipt
    context.close()

    [response] = Response.objects.all()
    assert response.status == Response.Status.SUBMITTED
    answers = Answer.objects.exclude(question_code__startswith="_risk.")  # derived rows
    assert sorted(answers.values_list("question_code", "option_code")) == [
        ("q01_fees", "yes"),
        ("q02_months", ""),
        ("q03_passports", "no"),
        ("q04_repaid", "yes"),
    ]
