"""A supplier answers a conditional, multi-page questionnaire in Vietnamese on a phone, in a
real browser (Debian's chromium driven by Playwright) against a live server."""

import re

import pytest
from playwright.sync_api import expect

from hrdd.responses.models import Answer, Response
from hrdd.testing.browser import PHONE
from hrdd.testing.definitions import RECRUITMENT
from hrdd.testing.world import campaign_on

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campaign(org_a):
    return campaign_on(RECRUITMENT, org_a, name="Recruitment 2026", languages=["en", "vi"])


def open_in_vietnamese(browser, live_server, campaign):
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(f"{live_server.url}/r/{campaign.public_slug}/")
    page.locator(".language-switch button[value=vi]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra tuyển dụng")
    page.locator("button[value=start]").click()
    return page


def test_conditional_pages_in_vietnamese_on_a_phone(browser, live_server, campaign):
    page = open_in_vietnamese(browser, live_server, campaign)
    expect(page.locator(".message.warning")).to_be_visible()  # draft translation notice
    months = page.locator('[data-question="q02_months"]')
    expect(months).to_be_hidden()  # only asked once fees were paid
    page.get_by_label("Có").first.check()
    expect(months).to_be_visible()
    page.get_by_label("Bao nhiêu tháng lương?").fill("40")
    page.locator("button[value=next]").click()
    # Out of range: the page comes back with the error next to the field, answers kept.
    expect(page.locator("#field-q02_months .errors")).to_be_visible()
    expect(page.get_by_label("Có").first).to_be_checked()
    page.get_by_label("Bao nhiêu tháng lương?").fill("2")
    page.locator("button[value=next]").click()

    expect(page.get_by_role("heading", name="Giấy tờ")).to_be_visible()
    expect(page.locator("progress")).to_have_attribute("value", "2")
    # Asked because fees were paid on the previous page.
    expect(page.locator('[data-question="q04_repaid"]')).to_be_visible()
    page.locator('[data-question="q03_passports"]').get_by_label("Không", exact=True).check()
    page.locator('[data-question="q04_repaid"]').get_by_label("Không", exact=True).check()
    page.locator("button[value=submit]").click()
    expect(page).to_have_url(re.compile(r"/receipt/$"))
    expect(page.get_by_text("Bao nhiêu tháng lương?")).to_be_visible()
    page.close()

    response = Response.objects.get(status=Response.Status.SUBMITTED)
    assert response.language == "vi"
    answers = {a.question_code: a for a in Answer.objects.filter(response=response)}
    assert answers["q01_fees"].option_code == "yes"
    assert answers["q02_months"].number == 2
    assert answers["q04_repaid"].option_code == "no"


def test_hidden_questions_are_skipped_and_never_stored(browser, live_server, campaign):
    page = open_in_vietnamese(browser, live_server, campaign)
    page.get_by_label("Có").first.check()
    page.get_by_label("Bao nhiêu tháng lương?").fill("3")
    page.locator('[data-question="q01_fees"]').get_by_label("Không", exact=True).check()
    expect(page.locator('[data-question="q02_months"]')).to_be_hidden()
    page.locator("button[value=next]").click()
    expect(page.locator('[data-question="q04_repaid"]')).to_have_count(0)
    page.locator('[data-question="q03_passports"]').get_by_label("Có").check()
    page.locator("button[value=submit]").click()
    expect(page).to_have_url(re.compile(r"/receipt/$"))
    page.close()
    # (Risk-signal rows are derived from the stored answers, for the topic indicators.)
    codes = set(
        Answer.objects.exclude(question_code__startswith="_risk.").values_list(
            "question_code", flat=True
        )
    )
    assert codes == {"q01_fees", "q03_passports"}


def test_ten_language_buttons_fit_a_phone(browser, live_server, org_a, make_campaign):
    """The migrant-worker survey offers ten languages: their buttons wrap, the page does
    not become wider than the phone."""
    from hrdd.questionnaires.models import Questionnaire

    version = Questionnaire.objects.get(code="migrant-workers").latest_version()
    languages = sorted(version.parsed.languages)
    assert len(languages) == 10
    campaign = make_campaign(org_a, languages=languages)
    campaign.questionnaire_version = version
    campaign.save()
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(f"{live_server.url}/r/{campaign.public_slug}/")
    expect(page.locator(".language-switch button")).to_have_count(10)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.close()
