"""Automated accessibility checks: axe-core (bundled by axe-playwright-python, no network) runs
in Debian's chromium against a live server, on the supplier pages in English and Japanese (on a
phone and a desktop, with validation errors and messages, through to the receipt; consent,
closed, not-yet-open and personal-link pages), on every page of the other built-in
questionnaires without the app's JavaScript, and on the buyer's main pages.

The WCAG 2.0/2.1 A and AA rules decide: a violation of impact "serious" or "critical" fails the
test, with each rule's id, help text and the offending elements. A serious or critical result
that axe could not decide ("needs review") fails too, except colour contrast, which axe cannot
measure over images such as the SVG charts: those are printed for a person to check. Best-practice
rules and minor findings are printed (run with -rP or -s to see them), never failed on.

axe finds only part of what WCAG asks (it cannot judge reading order, meaningful text or
keyboard traps): these tests keep regressions out; they do not certify a page.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hrdd.campaigns.models import Campaign
from hrdd.campaigns.services import campaign_create
from hrdd.invitations import services as invitations
from hrdd.questionnaires.models import Questionnaire
from hrdd.reference.services import shipped_load_all
from hrdd.responses.services import response_find, response_save_draft
from hrdd.risk.services import assessment_compute
from hrdd.suppliers.models import Supplier
from hrdd.testing.browser import (
    CSP_VIOLATIONS,
    DESKTOP,
    PHONE,
    assert_accessible,
    close,
    new_page,
)
from hrdd.testing.world import (
    PASSWORD,
    VALID_ANSWERS,
    invite_with_known_tokens,
    release_sixty,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_check_fails_with_what_to_fix(browser):
    """The harness itself: a known problem fails, naming the rule, its help and the element;
    an aria-describedby that points nowhere (axe only flags it for review) fails too."""
    page = browser.new_page()
    page.set_content(
        '<html lang="en"><title>t</title><main><h1>t</h1>'
        '<input id="name" type="text">'
        '<label for="email">E-mail</label>'
        '<input id="email" type="email" aria-describedby="email_error">'
        "</main></html>"
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "self-test")
    page.close()
    message = str(failure.value)
    assert "label (critical): Form elements must have labels" in message
    assert "- #name" in message
    assert "aria-valid-attr-value" in message
    assert 'aria-describedby="email_error"' in message


@pytest.fixture(params=["en", "ja"])
def language(request):
    return request.param


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_supplier_answer_pages(browser, live_server, campaign_a, language, viewport):
    """Landing page, first answer page, the same with validation errors, with a message."""
    page = new_page(browser, live_server, language=language, viewport=viewport)
    label = f"{language}/{'phone' if viewport is PHONE else 'desktop'}"
    page.goto(f"{live_server.url}{campaign_a.response_path()}")
    assert_accessible(page, f"landing {label}")

    page.locator("button[value=start]").click()
    page.locator("form.questionnaire").wait_for()
    assert_accessible(page, f"answer page 1 {label}")

    page.locator("button[value=next]").click()  # nothing answered: required errors
    page.locator(".error-summary").wait_for()
    assert_accessible(page, f"validation errors {label}")

    page.locator("button[value=save]").click()
    page.locator(".message.success").wait_for()
    assert_accessible(page, f"saved message {label}")

    page.locator(".save-box summary").click()  # "E-mail me this link", with a wrong address
    page.locator(".save-box input[type=email]").fill("not an address")
    page.locator(".save-box button[type=submit]").click()
    page.locator(".message.error").wait_for()
    assert_accessible(page, f"e-mail link error {label}")

    page.goto(f"{live_server.url}{campaign_a.response_path()}")  # a wrong resume code
    page.locator("input[name=code]").fill("AAAA-BBBB-CCCC-DDDD")
    page.locator("button[value=resume]").click()
    page.locator(".error-summary").wait_for()
    assert_accessible(page, f"resume code error {label}")
    close(page)


def resume_code(url: str) -> str:
    return re.search(r"/a/([^/?#]+)/", url).group(1)


def test_supplier_pages_through_to_the_receipt(browser, live_server, campaign_a, language):
    page = new_page(browser, live_server, language=language, viewport=PHONE)
    page.goto(f"{live_server.url}{campaign_a.response_path()}")
    page.locator("button[value=start]").click()
    page.locator("form.questionnaire").wait_for()
    response = response_find(campaign=campaign_a, code=resume_code(page.url))
    response_save_draft(response=response, answers=dict(VALID_ANSWERS))
    page.reload()  # the form carries the draft's revision
    number = 1
    while page.locator("button[value=next]").count():
        page.locator("button[value=next]").click()
        number += 1
        page.locator(f"progress[value='{number}']").wait_for(state="attached")
        assert_accessible(page, f"answer page {number} {language}")
    page.locator("button[value=submit]").click()
    page.wait_for_url("**/receipt/")
    assert_accessible(page, f"receipt {language}")
    close(page)


@pytest.mark.parametrize("code", ["forced-labour", "migrant-workers"])
def test_every_question_type_without_javascript(browser, live_server, org_a, code):
    """The other built-in questionnaires have every question type, conditions and draft
    translations; without JavaScript every conditional question is on the page with its hint."""
    version = Questionnaire.objects.get(code=code).latest_version()
    campaign = campaign_create(
        organisation=org_a,
        questionnaire_version=version,
        name=code,
        languages=["en", "ja", "vi"],
        by=None,
        opens_at=timezone.now() - timedelta(days=1),
    )
    for language in ["en", "vi"]:  # vi: a draft translation, English where it is missing
        page = new_page(browser, live_server, language=language, viewport=PHONE, scripts=False)
        page.goto(f"{live_server.url}{campaign.response_path()}")
        page.locator("button[value=start]").click()
        page.locator("form.questionnaire").wait_for()
        answer_url = page.url.split("?")[0]
        pages = int(page.locator("progress").get_attribute("max"))
        for number in range(1, pages + 1):
            if number > 1:
                page.goto(f"{answer_url}p/{number}/")
            assert_accessible(page, f"{code} page {number} {language}, no JavaScript")
        close(page)


def test_disclosed_campaign_consent_page(browser, live_server, disclosed):
    for language in ["en", "ja"]:
        page = new_page(browser, live_server, language=language, viewport=PHONE)
        page.goto(f"{live_server.url}{disclosed.response_path()}")
        assert_accessible(page, f"consent {language}")
        page.locator("button[value=start]").click()  # no name, no consent: errors
        page.locator(".error-summary").wait_for()
        assert_accessible(page, f"consent with errors {language}")
        page.locator("button[value=decline]").click()
        page.locator(".error-summary").wait_for(state="detached")
        assert_accessible(page, f"declined {language}")
        close(page)


def test_closed_and_not_yet_open_pages(browser, live_server, campaign_a, make_campaign, org_a):
    Campaign.objects.filter(pk=campaign_a.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    later = make_campaign(org_a, name="Later", opens_in_days=3)
    for language in ["en", "ja"]:
        page = new_page(browser, live_server, language=language, viewport=PHONE)
        assert page.goto(f"{live_server.url}{campaign_a.response_path()}").status == 410
        assert_accessible(page, f"closed {language}")
        page.goto(f"{live_server.url}{later.response_path()}")
        assert_accessible(page, f"not open yet {language}")
        close(page)


def test_personal_link_pages(browser, live_server, org_a, disclosed):
    """A supplier's personal link (disclosed campaign: the consent form), a link that does not
    work, and the page to stop reminders."""
    supplier = Supplier.objects.create(
        organisation=org_a, name="Hanoi Garments", country="VN", email="lan@hanoi.example"
    )
    tokens = invite_with_known_tokens(disclosed)
    opt_out = reverse("links:opt_out", args=[invitations.opt_out_token(supplier.pk)])
    for language in ["en", "ja"]:
        page = new_page(browser, live_server, language=language, viewport=PHONE)
        page.goto(f"{live_server.url}{reverse('links:invitation', args=[tokens[0]])}")
        assert_accessible(page, f"personal link {language}")
        page.locator("input[name=supplier_name]").fill("")
        page.locator("button[value=start]").click()  # no name, no consent: errors
        page.locator(".error-summary").wait_for()
        assert_accessible(page, f"personal link with errors {language}")
        page.goto(f"{live_server.url}{reverse('links:invitation', args=['WRONG'])}")
        assert_accessible(page, f"personal link not valid {language}")
        page.goto(f"{live_server.url}{opt_out}")
        assert_accessible(page, f"stop reminders {language}")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert_accessible(page, f"reminders stopped {language}")
        close(page)


@pytest.fixture
def released(campaign_a):
    """Sixty responses, released, so that the Summary Report shows charts, margins, topic
    indicators and questions still too uncertain to show."""
    return release_sixty(campaign_a)


def test_buyer_pages(browser, live_server, alice, released, language):
    """Each page at desktop width, and in English at phone width too (the markup is the same
    at every width: only the layout, and so contrast over overlapping boxes, changes)."""
    page = new_page(browser, live_server, language=language)
    viewports = (
        [("desktop", DESKTOP), ("phone", PHONE)] if language == "en" else [("desktop", DESKTOP)]
    )

    def check(label):
        for name, viewport in viewports:
            page.set_viewport_size(viewport)
            assert_accessible(page, f"{label} {language}/{name}")

    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    check("login")
    page.locator("#id_username").fill(alice.email)
    page.locator("#id_password").fill("wrong")
    page.locator("main form button[type=submit]").click()
    page.locator(".error-summary").wait_for()
    check("login error")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}{reverse('campaigns:dashboard')}")
    check("dashboard")

    page.goto(f"{live_server.url}{reverse('campaigns:detail', args=[released.pk])}")
    check("campaign detail")
    page.locator("input[name=closes_at]").fill("")  # the dates form, with an error
    page.locator("form[action$='/dates/'] button[type=submit]").click()
    page.locator(".error-summary").wait_for()
    check("campaign dates with errors")

    page.goto(f"{live_server.url}{reverse('reports:summary', args=[released.pk])}")
    page.locator("svg.chart").first.wait_for()
    check("summary report")

    Supplier.objects.create(
        organisation=released.organisation, name="Hanoi Garments", email="lan@hanoi.example"
    )
    page.goto(f"{live_server.url}{reverse('suppliers:list', args=[released.organisation.pk])}")
    check("supplier list")
    page.goto(f"{live_server.url}{reverse('invitations:links', args=[released.pk])}")
    check("personal links")
    close(page)


def test_risk_pages(browser, live_server, alice, language):
    """The inherent-risk heat map (one cell's explanation open) and the world map, as a buyer,
    under the same CSP watch: no inline style or script, no foreign source."""
    shipped_load_all()
    assessment_compute()
    page = new_page(browser, live_server, language=language)
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.locator("#id_username").fill(alice.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}{reverse('campaigns:dashboard')}")
    page.goto(f"{live_server.url}{reverse('risk:heat_map')}?topic=child_labour")
    page.locator("table.heat-map summary").first.click()
    assert_accessible(page, f"risk heat map {language}")
    page.goto(f"{live_server.url}{reverse('risk:world_map')}")
    page.locator("svg.world-map").wait_for()
    assert_accessible(page, f"risk world map {language}")
    close(page)


def test_the_csp_watch_sees_an_inline_script_and_style(browser, live_server, db):
    """The harness of the check in `close`: a page with inline code reports violations."""
    page = new_page(browser, live_server)

    def with_inline_code(route):
        original = route.fetch()
        body = original.text().replace(
            "</main>", '<script>document.title="x"</script><p style="color:red">x</p></main>'
        )
        route.fulfill(response=original, body=body)

    page.route("**/accounts/login/", with_inline_code)
    page.goto(f"{live_server.url}/accounts/login/")
    page.wait_for_timeout(200)
    seen = CSP_VIOLATIONS.pop(id(page))
    page.context.close()
    assert any("script-src" in v for v in seen), seen
    assert any("style-src" in v for v in seen), seen
