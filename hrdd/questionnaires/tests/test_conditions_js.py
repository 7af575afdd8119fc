"""The page decides conditions exactly as the server does.

static/js/conditions.js shows, hides and marks required the questions of a page as the
supplier answers; the server (hrdd/questionnaires/conditions.py) decides again on every save.
If they disagree a supplier is asked a question the server then drops, or is told a question
is optional and then stopped for not answering it. One table of cases runs through both: the
server's `conditions.evaluate` and the page script in Debian's chromium.
"""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from hrdd.campaigns.services import campaign_create
from hrdd.questionnaires import conditions
from hrdd.questionnaires.services import questionnaire_publish
from hrdd.responses.services import response_save_draft, response_start
from hrdd.testing.world import campaign_on

SCRIPT = Path(settings.BASE_DIR) / "static" / "js" / "conditions.js"

YES = {"question": "q01", "equals": "yes"}
OVER_60 = {"question": "n", "gt": 60}
GRID = {"g": {"r1": "a", "r2": "c"}}

# (condition, answers, expected). Answers are as a draft stores them (option codes, numbers as
# strings, lists for multiple choice, {row: option} for grids) or as typed in the page before
# the server normalises them (full-width digits, spaces).
CASES = [
    # equals: option codes exactly
    (YES, {"q01": "yes"}, True),
    (YES, {"q01": "no"}, False),
    (YES, {"q01": "Yes"}, False),
    (YES, {"q01": "dont_know"}, False),
    (YES, {}, False),
    # equals on a multiple-choice answer: any chosen option
    ({"question": "m", "equals": "c"}, {"m": ["b", "c"]}, True),
    ({"question": "m", "equals": "a"}, {"m": ["b", "c"]}, False),
    # equals with a number: numerically
    ({"question": "n", "equals": 12}, {"n": "12"}, True),
    ({"question": "n", "equals": 12}, {"n": "12.0"}, True),
    ({"question": "n", "equals": 12}, {"n": "12.00"}, True),
    ({"question": "n", "equals": 12}, {"n": "12.5"}, False),
    ({"question": "n", "equals": 12}, {"n": "120"}, False),
    ({"question": "n", "equals": 12}, {"n": "twelve"}, False),
    ({"question": "n", "equals": 12.5}, {"n": "12.50"}, True),
    ({"question": "n", "equals": 0}, {"n": "-0"}, True),
    ({"question": "n", "equals": 0}, {"n": "0.000"}, True),
    ({"question": "n", "equals": 1000}, {"n": "1e3"}, True),
    ({"question": "n", "equals": 12}, {"n": " 12 "}, True),
    ({"question": "n", "equals": 12}, {"n": "１２"}, True),  # full-width, as a Japanese IME types
    ({"question": "n", "equals": 12}, {"n": "๑๒"}, True),  # Thai digits
    ({"question": "n", "equals": 12}, {"n": "၁၂"}, True),  # Burmese digits
    ({"question": "n", "equals": 12}, {"n": "१२"}, True),  # Devanagari (Nepali) digits
    ({"question": "n", "equals": 1000}, {"n": "1_000"}, True),
    ({"question": "n", "equals": 16}, {"n": "0x10"}, False),
    ({"question": "n", "equals": 15}, {"n": "1,5"}, False),
    ({"question": "n", "equals": 1000}, {"n": "1 000"}, False),
    # beyond what a double holds: still exact
    ({"question": "n", "equals": 9007199254740992}, {"n": "9007199254740993"}, False),
    # equals with a string on a numeric answer: as text
    ({"question": "n", "equals": "12"}, {"n": "12.0"}, False),
    # a number question's special answer ("don't know") is stored as its code
    ({"question": "n", "equals": "dont_know"}, {"n": "dont_know"}, True),
    ({"question": "n", "equals": "dont_know"}, {"n": "3"}, False),
    ({"question": "n", "in": ["dont_know", "prefer_not_to_say"]}, {"n": "dont_know"}, True),
    ({"question": "n", "gt": 0}, {"n": "dont_know"}, False),
    ({"not": {"question": "n", "lt": 5}}, {"n": "dont_know"}, True),
    ({"question": "n", "answered": True}, {"n": "dont_know"}, True),
    # in
    ({"question": "q01", "in": ["yes", "dont_know"]}, {"q01": "dont_know"}, True),
    ({"question": "q01", "in": ["yes", "dont_know"]}, {"q01": "prefer_not_to_say"}, False),
    ({"question": "m", "in": ["a", "b"]}, {"m": ["b", "c"]}, True),
    ({"question": "m", "in": ["a"]}, {"m": ["b", "c"]}, False),
    ({"question": "n", "in": [0, 10]}, {"n": "10.0"}, True),
    ({"question": "n", "in": [0, 10]}, {"n": "5"}, False),
    ({"question": "n", "in": ["a", 5]}, {"n": "5"}, True),
    # includes
    ({"question": "m", "includes": "a"}, {"m": ["a"]}, True),
    ({"question": "m", "includes": "a"}, {"m": ["b", "a"]}, True),
    ({"question": "m", "includes": "a"}, {"m": ["ab"]}, False),
    ({"question": "m", "includes": "a"}, {"m": []}, False),
    # gt, gte, lt, lte: numerically, never alphabetically
    (OVER_60, {"n": "100"}, True),
    (OVER_60, {"n": "9"}, False),
    (OVER_60, {"n": "60"}, False),
    (OVER_60, {"n": "60.0001"}, True),
    (OVER_60, {"n": "many"}, False),
    (OVER_60, {"n": "Infinity"}, False),
    (OVER_60, {"n": "inf"}, False),
    (OVER_60, {"n": "NaN"}, False),
    (OVER_60, {"n": "６１"}, True),
    (OVER_60, {"n": ["70"]}, False),
    ({"question": "n", "gte": 12.5}, {"n": "12.5"}, True),
    ({"question": "n", "gte": 12.5}, {"n": "12.49"}, False),
    ({"question": "n", "lt": 0}, {"n": "-0.5"}, True),
    ({"question": "n", "lt": 0}, {"n": "-0"}, False),
    ({"question": "n", "lt": -1}, {"n": "-2"}, True),
    ({"question": "n", "lt": -1}, {"n": "-0.5"}, False),
    ({"question": "n", "lte": 12.4}, {"n": "12.5"}, False),
    ({"question": "n", "lte": 100}, {"n": "1E2"}, True),
    ({"question": "n", "lte": 100}, {"n": ".5"}, True),
    ({"question": "n", "gt": 0.1}, {"n": "0.10000000000000001"}, True),  # exact, not a double
    ({"question": "n", "gt": 0.3}, {"n": "0.30000000000000000001"}, True),
    ({"question": "n", "gt": 1e21}, {"n": "1000000000000000000001"}, True),
    ({"question": "n", "gte": 0}, {"n": "0"}, True),
    ({"question": "n", "gte": 0}, {"n": "+0"}, True),
    ({"question": "n", "gt": 5}, {"n": "12."}, True),
    # answered
    ({"question": "t", "answered": True}, {"t": "Some words"}, True),
    ({"question": "t", "answered": True}, {"t": "0"}, True),
    ({"question": "t", "answered": True}, {"t": ""}, False),
    ({"question": "t", "answered": True}, {"t": None}, False),
    ({"question": "t", "answered": True}, {"t": []}, False),
    ({"question": "t", "answered": True}, {"t": {}}, False),
    ({"question": "t", "answered": True}, {"t": ["a"]}, True),
    ({"question": "t", "answered": True}, {}, False),
    ({"question": "t", "answered": False}, {}, True),
    ({"question": "t", "answered": False}, {"t": "x"}, False),
    # an unanswered question satisfies no comparison, so its negation holds
    ({"not": YES}, {}, True),
    ({"not": {"question": "n", "lt": 1000}}, {"n": ""}, True),
    ({"not": {"question": "m", "includes": "a"}}, {"m": []}, True),
    ({"not": {"question": "n", "equals": 0}}, {"n": None}, True),
    # grid rows, as "question.row"
    ({"question": "g.r1", "equals": "a"}, GRID, True),
    ({"question": "g.r2", "equals": "a"}, GRID, False),
    ({"question": "g.r2", "in": ["b", "c"]}, GRID, True),
    ({"question": "g.r1", "answered": True}, GRID, True),
    ({"question": "g.r3", "answered": False}, GRID, True),
    ({"question": "g.r3", "equals": "a"}, GRID, False),
    ({"question": "g.r1", "equals": "a"}, {}, False),
    ({"question": "g.r1", "equals": "a"}, {"g": "a"}, False),
    ({"not": {"question": "g.r2", "equals": "a"}}, {"g": {"r1": "a"}}, True),
    # all, any, not and their nesting
    ({"all": [YES]}, {"q01": "yes", "n": "40"}, True),
    ({"all": [YES, OVER_60]}, {"q01": "yes", "n": "40"}, False),
    ({"all": [YES, OVER_60]}, {"q01": "yes", "n": "61"}, True),
    ({"any": [YES, OVER_60]}, {"q01": "no", "n": "40"}, False),
    ({"any": [YES, OVER_60]}, {"q01": "no", "n": "61"}, True),
    ({"any": [OVER_60]}, {"q01": "yes", "n": "40"}, False),
    ({"not": OVER_60}, {"n": "40"}, True),
    ({"not": YES}, {"q01": "yes"}, False),
    ({"not": {"not": YES}}, {"q01": "yes"}, True),
    ({"all": [YES, {"not": OVER_60}]}, {"q01": "yes", "n": "40"}, True),
    ({"any": [{"all": [YES, OVER_60]}, {"not": {"any": [OVER_60]}}]}, {"q01": "yes"}, True),
    ({"not": {"any": [OVER_60, {"all": [YES]}]}}, {"q01": "yes", "n": "40"}, False),
    (
        {"all": [{"question": "g.r1", "equals": "a"}, {"question": "m", "includes": "b"}]},
        {"g": {"r1": "a"}, "m": ["b"]},
        True,
    ),
    # no condition always holds
    (None, {}, True),
]


def _case_id(case) -> str:
    condition, answers, _expected = case
    as_json = json.dumps(condition, ensure_ascii=False)
    return f"{as_json} with {json.dumps(answers, ensure_ascii=False)}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_server_decides_each_case(case):
    condition, answers, expected = case
    assert conditions.evaluate(condition, answers) is expected


def test_page_script_decides_every_case_as_the_server_does(browser):
    page = browser.new_page()
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(SCRIPT))
    # As in a real page: the condition comes from a data attribute, the answers from the
    # form's data-answers, both JSON written by the server.
    page_results = page.evaluate(
        """cases => cases.map(
            ([c, a]) => window.hrddConditions.evaluate(JSON.parse(c), JSON.parse(a))
        )""",
        [[json.dumps(c), json.dumps(a)] for c, a, _expected in CASES],
    )
    page.close()
    server_results = [conditions.evaluate(c, a) for c, a, _expected in CASES]
    disagree = [
        (_case_id(case), server, in_page)
        for case, server, in_page in zip(CASES, server_results, page_results, strict=True)
        if server is not in_page
    ]
    assert not disagree
    assert page_results == [expected for _c, _a, expected in CASES]


# --- "Required if" in the page ------------------------------------------------------------------


def t(en: str) -> dict:
    return {"en": en}


def yes_no() -> list[dict]:
    return [
        {"code": "yes", "text": t("Yes"), "risk": "high"},
        {"code": "no", "text": t("No"), "risk": "none"},
        {"code": "dont_know", "text": t("Don't know"), "special": "dont_know"},
    ]


REQUIRED_IF = {"question": "q01_agency", "equals": "yes"}
DEFINITION = {
    "format": 1,
    "code": "required-if-check",
    "version": 1,
    "languages": ["en"],
    "title": t("Agencies"),
    "topics": {"recruitment": t("Recruitment")},
    "sections": [
        {
            "code": "agency",
            "title": t("Agency"),
            "questions": [
                {
                    "code": "q01_agency",
                    "type": "yes_no",
                    "required": True,
                    "topic": "recruitment",
                    "text": t("Do you use recruitment agencies?"),
                    "options": yes_no(),
                },
                {
                    "code": "q02_agency_name",
                    "type": "short_text",
                    "topic": "recruitment",
                    "required_if": REQUIRED_IF,
                    "text": t("Which agency?"),
                },
                {
                    "code": "q03_fees",
                    "type": "yes_no",
                    "topic": "recruitment",
                    "required_if": REQUIRED_IF,
                    "text": t("Does the agency charge workers?"),
                    "options": yes_no(),
                },
                {
                    "code": "q04_checks",
                    "type": "grid",
                    "topic": "recruitment",
                    "required_if": REQUIRED_IF,
                    "text": t("What do you check?"),
                    "rows": [{"code": "licence", "text": t("Licence")}],
                    "options": [
                        {"code": "always", "text": t("Always"), "risk": "none"},
                        {"code": "never", "text": t("Never"), "risk": "high"},
                    ],
                },
            ],
        },
        {
            "code": "contracts",
            "title": t("Contracts"),
            "questions": [
                {
                    "code": "q05_contract",
                    "type": "long_text",
                    "topic": "recruitment",
                    "required_if": REQUIRED_IF,
                    "text": t("What does the agency contract say?"),
                },
            ],
        },
    ],
}


@pytest.fixture
def campaign(org_a):
    return campaign_on(DEFINITION, org_a, name="Agencies 2026", languages=["en"])


def required_state(page, code: str) -> dict:
    """What a supplier (and a screen reader) is told about one question of the page."""
    return page.locator(f'[data-question="{code}"]').evaluate(
        """block => ({
            asterisk: [...block.querySelectorAll('.req')].some(m => !m.hidden),
            spoken: [...block.querySelectorAll('.req-label')].some(m => !m.hidden),
            inputs: [...block.querySelectorAll('input:not([type=hidden]), textarea')]
                .map(el => el.required),
        })"""
    )


@pytest.mark.django_db(transaction=True)
def test_required_if_follows_the_answer_in_the_page(browser, live_server, campaign):
    page = browser.new_page()
    page.goto(f"{live_server.url}/r/{campaign.public_slug}/")
    page.locator("button[value=start]").click()
    expect(page.get_by_role("heading", name="Agency")).to_be_visible()
    optional = {"asterisk": False, "spoken": False, "inputs": [False]}
    assert required_state(page, "q02_agency_name") == optional
    assert required_state(page, "q03_fees") == {**optional, "spoken": False, "inputs": [False] * 3}
    assert required_state(page, "q04_checks") == {**optional, "inputs": [False] * 2}

    page.locator('[data-question="q01_agency"]').get_by_label("Yes", exact=True).check()
    assert required_state(page, "q02_agency_name") == {
        "asterisk": True,
        "spoken": False,  # a text box says so itself: it is required
        "inputs": [True],
    }
    assert required_state(page, "q03_fees") == {
        "asterisk": True,
        "spoken": True,
        "inputs": [True] * 3,
    }
    assert required_state(page, "q04_checks") == {
        "asterisk": True,
        "spoken": True,
        "inputs": [True] * 2,
    }

    page.locator('[data-question="q01_agency"]').get_by_label("No", exact=True).check()
    assert required_state(page, "q02_agency_name") == optional
    assert required_state(page, "q03_fees")["asterisk"] is False

    # The server agrees: with "No" the page moves on with the others unanswered ...
    page.locator("button[value=next]").click()
    expect(page.get_by_role("heading", name="Contracts")).to_be_visible()
    assert required_state(page, "q05_contract") == {
        "asterisk": False,
        "spoken": False,
        "inputs": [False],
    }
    # ... and with "Yes" it asks for them, the marks shown as the server renders them.
    page.locator("button[value=back]").click()
    page.locator('[data-question="q01_agency"]').get_by_label("Yes", exact=True).check()
    page.locator("button[value=next]").click()
    expect(page.locator("#field-q02_agency_name .errors")).to_have_text(
        "Please answer this question."
    )
    assert required_state(page, "q02_agency_name")["asterisk"] is True
    page.get_by_label("Which agency?").fill("Hanoi Manpower")
    page.locator('[data-question="q03_fees"]').get_by_label("No", exact=True).check()
    page.locator('[data-question="q04_checks"]').get_by_label("Always").check()
    page.locator("button[value=next]").click()
    expect(page.get_by_role("heading", name="Contracts")).to_be_visible()
    assert required_state(page, "q05_contract") == {
        "asterisk": True,
        "spoken": False,
        "inputs": [True],
    }
    page.close()


@pytest.mark.django_db
def test_without_javascript_the_server_marks_required_if_from_the_saved_answers(client, campaign):
    response, code = response_start(campaign=campaign, language="en")
    url = reverse("responses:answer", kwargs={"slug": campaign.public_slug, "code": code})
    name_label = re.compile(r'<label for="id_q02_agency_name">Which agency\?(.*?)</label>', re.S)

    before = client.get(url).content.decode()
    assert 'data-required-if="' in before
    assert "hidden>*</span>" in name_label.search(before).group(1)
    assert re.search(r'<input type="text" name="q02_agency_name"[^>]*\brequired\b', before) is None

    response_save_draft(response=response, answers={"q01_agency": "yes"})
    after = client.get(url).content.decode()
    mark = name_label.search(after).group(1).strip()
    assert mark == '<span class="req" aria-hidden="true">*</span>'
    assert re.search(r'<input type="text" name="q02_agency_name"[^>]*\brequired\b', after)
    assert re.search(r'<input type="radio" name="q03_fees"[^>]*\brequired\b', after)


SPECIAL = {
    "format": 1,
    "code": "special-check",
    "version": 1,
    "languages": ["en"],
    "title": t("Hours"),
    "topics": {"work": t("Work")},
    "sections": [
        {
            "code": "hours",
            "title": t("Hours"),
            "questions": [
                {
                    "code": "q01_hours",
                    "type": "number",
                    "topic": "work",
                    "required": True,
                    "text": t("Usual weekly hours?"),
                    "special_answers": [{"code": "dont_know", "text": t("Don't know")}],
                },
                {
                    "code": "q02_why",
                    "type": "short_text",
                    "topic": "work",
                    "show_if": {"question": "q01_hours", "equals": "dont_know"},
                    "required_if": {"question": "q01_hours", "answered": True},
                    "text": t("Why are the hours not recorded?"),
                },
            ],
        }
    ],
}


@pytest.mark.django_db(transaction=True)
def test_a_ticked_special_answer_counts_in_the_page_as_on_the_server(browser, live_server, org_a):
    campaign = campaign_create(
        organisation=org_a,
        questionnaire_version=questionnaire_publish(data=SPECIAL),
        name="Hours 2026",
        languages=["en"],
        by=None,
        opens_at=timezone.now() - timedelta(days=1),
    )
    page = browser.new_page()
    page.goto(f"{live_server.url}/r/{campaign.public_slug}/")
    page.locator("button[value=start]").click()
    why = page.locator('[data-question="q02_why"]')
    expect(why).to_be_hidden()

    page.get_by_label("Usual weekly hours?").fill("40")
    expect(why).to_be_hidden()
    page.get_by_label("Usual weekly hours?").fill("")
    page.get_by_label("Don't know").check()
    expect(why).to_be_visible()
    assert required_state(page, "q02_why")["asterisk"] is True

    # The server agrees: the question is asked, and required.
    page.locator("button[value=submit]").click()
    expect(page.locator("#field-q02_why .errors")).to_have_text("Please answer this question.")
    expect(why).to_be_visible()
    page.close()
