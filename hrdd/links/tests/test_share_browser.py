"""Answer once, on a phone in Japanese: the supplier sends its answers from its receipt to a
second buyer that asked the same address, then brings them into a third buyer's confidential
questionnaire with the receipt's code, in a real browser (axe-checked, strict CSP)."""

import pytest
from playwright.sync_api import expect

from hrdd.invitations.selectors import invitation_for_token
from hrdd.links.services import invitation_start_response
from hrdd.organisations.models import Organisation
from hrdd.responses.services import response_save_draft, response_submit
from hrdd.suppliers.models import Supplier
from hrdd.testing.browser import PHONE, assert_accessible, close, new_page
from hrdd.testing.world import (
    VALID_ANSWERS,
    crisis_campaign,
    disclosed_campaign,
    invite_with_known_tokens,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_share_and_bring_answers_on_a_phone_in_japanese(browser, live_server, org_a, org_b):
    org_c = Organisation.objects.create(name="大阪リテール")
    campaigns = [disclosed_campaign(org_a), disclosed_campaign(org_b), crisis_campaign(org_c)]
    tokens = []
    for campaign, prefix in zip(campaigns, "ABC", strict=True):
        Supplier.objects.create(
            organisation=campaign.organisation,
            name="関西部品",
            country="JP",
            email="sato@kansai-parts.example",
            language="ja",
        )
        tokens.append(invite_with_known_tokens(campaign, prefix=prefix)[0])
    first = invitation_start_response(
        invitation=invitation_for_token(token=tokens[0]),
        language="ja",
        consent=True,
        supplier_name="関西部品株式会社",
    )
    response_submit(response=response_save_draft(response=first, answers=dict(VALID_ANSWERS)))

    page = new_page(browser, live_server, language="ja", viewport=PHONE)
    a, b, c = campaigns
    page.goto(f"{live_server.url}/r/{a.public_slug}/a/{tokens[0]}/receipt/")
    page.get_by_role("link", name="この回答の送り先を選ぶ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("回答を他の企業にも送る")
    expect(page.get_by_text("貴社名「関西部品株式会社」")).to_be_visible()
    expect(page.get_by_text("大阪リテール")).to_have_count(0)  # confidential: never offered
    assert_accessible(page, "share")
    page.get_by_label(b.organisation.name, exact=False).check()
    page.get_by_role("button", name="選んだ企業に送る").click()
    expect(page.get_by_text("回答を次の企業に送りました")).to_be_visible()
    expect(page.get_by_role("heading", name="この回答を受け取った企業")).to_be_visible()
    assert invitation_for_token(token=tokens[1]).response.is_submitted

    # The confidential questionnaire: start, then bring the answers with the receipt's code.
    page.goto(f"{live_server.url}/i/{tokens[2]}/")
    page.locator("button[value=start]").click()
    page.get_by_text("以前の回答を使う").click()
    page.get_by_label("以前の回答のコード").fill(tokens[0].lower())
    page.get_by_role("button", name="以前の回答を入力する").click()
    expect(page.get_by_text("以前の回答から 11 件をコピーしました")).to_be_visible()
    assert_accessible(page, "after reuse")
    assert not invitation_for_token(token=tokens[2]).response.is_submitted
    close(page)
