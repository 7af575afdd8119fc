"""Every question type through the supplier's pages, checked on the server.

The page's script hides conditional questions and the browser checks some inputs, but
neither can be trusted: a supplier without JavaScript, an old page or a tampered POST must
get the same result. What is stored in the draft, what becomes Answer rows at submission,
and what a report may show all depend on the server alone.
"""

import copy
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from hrdd import policy
from hrdd.campaigns.models import Campaign
from hrdd.reports.services import report_release_if_due
from hrdd.responses.models import Answer, Response
from hrdd.responses.services import response_save_draft, response_start
from hrdd.testing.world import (
    campaign_on,
    field_html,
    post_page,
    start_answering,
    submit_response,
)

pytestmark = pytest.mark.django_db


def t(en: str, vi: str | None = None) -> dict:
    return {"en": en} if vi is None else {"en": en, "vi": vi}


def option(code: str, en: str, risk: str = "low", **extra) -> dict:
    return {"code": code, "text": t(en), "risk": risk, **extra}


AGENCY_IS_YES = {"question": "q01_agency", "equals": "yes"}

# One question of every type. Page 1: q02 depends on q01 on the same page, q03 is required
# only when q01 is "yes". Page 2: q08 depends on q01, on the earlier page.
EVERY_TYPE = {
    "format": 1,
    "code": "every-type",
    "version": 1,
    "languages": ["en"],
    "title": t("Every question type"),
    "description": t("A questionnaire with one question of each type."),
    "topics": {"recruitment": t("Recruitment"), "living": t("Living conditions")},
    "sections": [
        {
            "code": "recruitment",
            "title": t("Recruitment"),
            "questions": [
                {
                    "code": "q01_agency",
                    "type": "yes_no",
                    "required": True,
                    "topic": "recruitment",
                    "text": t("Were workers recruited through an agency?"),
                    "options": [
                        option("yes", "Yes", "medium"),
                        option("no", "No", "none"),
                        {"code": "dont_know", "text": t("Don't know"), "special": "dont_know"},
                    ],
                },
                {
                    "code": "q02_fee_amount",
                    "type": "number",
                    "show_if": AGENCY_IS_YES,
                    "topic": "recruitment",
                    "text": t("How much did a worker pay the agency?"),
                    "unit": t("US dollars"),
                    "min": 0,
                    "max": 5000,
                    "integer": True,
                    "bands": [
                        {"code": "none", "text": t("Nothing"), "max": 0, "risk": "none"},
                        {"code": "some", "text": t("1 to 1000"), "min": 1, "max": 1000},
                        {"code": "high", "text": t("Over 1000"), "min": 1001, "risk": "high"},
                    ],
                },
                {
                    "code": "q03_fee_share",
                    "type": "percentage",
                    "required_if": AGENCY_IS_YES,
                    "topic": "recruitment",
                    "text": t("What share of workers paid a recruitment fee?"),
                },
                {
                    "code": "q04_start_date",
                    "type": "date",
                    "topic": "recruitment",
                    "text": t("When did the most recent worker start?"),
                },
                {
                    "code": "q05_origin",
                    "type": "country",
                    "topic": "recruitment",
                    "text": t("Where do most workers come from?"),
                },
                {
                    "code": "q06_sector",
                    "type": "single_choice",
                    "required": True,
                    "topic": "recruitment",
                    "text": t("What is your main sector?"),
                    "options": [
                        option("garment", "Garment"),
                        option("food", "Food"),
                        option("other", "Other", "medium"),
                    ],
                },
                {
                    "code": "q07_deductions",
                    "type": "multiple_choice",
                    "topic": "recruitment",
                    "text": t("What is deducted from wages?"),
                    "options": [
                        option("housing", "Housing", "medium"),
                        option("food", "Food", "medium"),
                        option("tools", "Tools", "high"),
                        option("nothing", "Nothing", "none", exclusive=True),
                    ],
                },
            ],
        },
        {
            "code": "living",
            "title": t("Living conditions"),
            "questions": [
                {
                    "code": "q08_agency_name",
                    "type": "short_text",
                    "show_if": AGENCY_IS_YES,
                    "max_length": 50,
                    "topic": "living",
                    "text": t("Which agency?"),
                },
                {
                    "code": "q09_conditions",
                    "type": "grid",
                    "topic": "living",
                    "text": t("How are these provided?"),
                    "options": [option("good", "Good", "none"), option("poor", "Poor", "high")],
                    "rows": [
                        {"code": "r_housing", "text": t("Housing")},
                        {"code": "r_food", "text": t("Meals")},
                    ],
                },
                {
                    "code": "q10_comments",
                    "type": "long_text",
                    "topic": "living",
                    "text": t("Anything else?"),
                },
            ],
        },
    ],
}

PAGE_1 = {
    "q01_agency": "yes",
    "q02_fee_amount": "120",
    "q03_fee_share": "40",
    "q06_sector": "garment",
}
PAGE_2 = {
    "q09_conditions.r_housing": "poor",
    "q09_conditions.r_food": "good",
}


def make_campaign(org, data: dict, languages: list[str]) -> Campaign:
    return campaign_on(data, org, name="Every type", languages=languages, min_responses=5)


@pytest.fixture
def campaign(org_a) -> Campaign:
    return make_campaign(org_a, EVERY_TYPE, ["en"])


@pytest.fixture
def url(client, campaign) -> str:
    return start_answering(client, campaign)


def page2(url: str) -> str:
    return f"{url}p/2/"


def page1(url: str) -> str:
    """Page 1 by its number (the bare URL continues where the supplier stopped)."""
    return f"{url}p/1/"


def draft() -> dict:
    return Response.objects.get().draft


# --- Rendering ------------------------------------------------------------------------------


def test_every_type_is_rendered_with_its_widget(client, url):
    html = client.get(url).content.decode()

    assert re.search(r'type="radio" name="q01_agency" value="yes"', html)
    assert 'inputmode="numeric"' in field_html(html, "q02_fee_amount")
    assert "US dollars" in field_html(html, "q02_fee_amount")
    assert 'inputmode="decimal"' in field_html(html, "q03_fee_share")
    assert '<span class="unit">%</span>' in field_html(html, "q03_fee_share")
    assert 'type="date" name="q04_start_date"' in html
    assert '<option value="VN">' in field_html(html, "q05_origin")
    assert 'type="checkbox" name="q07_deductions" value="nothing"' in html
    assert 'data-exclusive="true"' in field_html(html, "q07_deductions")

    html = client.get(page2(url)).content.decode()

    assert 'name="q09_conditions.r_housing" value="poor"' in html
    assert 'name="q09_conditions.r_food" value="good"' in html
    assert "<textarea" in field_html(html, "q10_comments")


def test_question_conditional_on_the_same_page_is_rendered_with_its_rule_and_a_hint(client, url):
    html = client.get(url).content.decode()

    # The script decides as the supplier answers; without it, a sentence says when to answer.
    assert 'data-question="q02_fee_amount" data-show-if=' in html
    assert 'name="q02_fee_amount"' in html
    assert "Answer only if you answered “Yes” to “Were workers recruited" in html


# --- Invalid input is refused by the server, the rest of the page is kept --------------------

INVALID = [
    ("q02_fee_amount", "6000", "Ensure this value is less than or equal to 5000."),
    ("q02_fee_amount", "-1", "Ensure this value is greater than or equal to 0."),
    ("q02_fee_amount", "12.5", "Ensure that there are no more than 0 decimal places."),
    ("q02_fee_amount", "twelve", "Enter a number."),
    ("q02_fee_amount", "NaN", "Enter a number."),
    ("q03_fee_share", "101", "Ensure this value is less than or equal to 100."),
    ("q03_fee_share", "-0.5", "Ensure this value is greater than or equal to 0."),
    ("q04_start_date", "2024-02-30", "Enter a date as YYYY-MM-DD, for example 2026-05-01."),
    ("q04_start_date", "last spring", "Enter a date as YYYY-MM-DD, for example 2026-05-01."),
    ("q05_origin", "XX", "Select a valid choice. XX is not one of the available choices."),
    ("q05_origin", "vn", "Select a valid choice. vn is not one of the available choices."),
]


@pytest.mark.parametrize(("name", "value", "message"), INVALID)
def test_invalid_value_on_page_one_is_refused_next_to_its_field_and_the_rest_kept(
    client, url, name, value, message
):
    answers = dict(PAGE_1, q04_start_date="2024-03-01", q05_origin="VN")
    answers[name] = value

    page = post_page(client, url, answers)

    assert page.status_code == 422
    html = page.content.decode()
    assert message in field_html(html, name)
    if name != "q05_origin":  # a select cannot show a value it does not offer
        assert f'value="{value}"' in field_html(html, name)  # shown back, not thrown away
    stored = draft()
    assert name not in stored
    expected = {k: v for k, v in answers.items() if k != name}
    if "q04_start_date" in expected:
        expected["q04_start_date"] = "2024-03-01"
    assert stored == expected


def test_invalid_value_keeps_the_previous_valid_answer(client, url):
    post_page(client, url, PAGE_1)

    page = post_page(client, url, dict(PAGE_1, q02_fee_amount="99999"))

    assert page.status_code == 422
    assert draft()["q02_fee_amount"] == "120"


def test_next_is_refused_with_an_invalid_value(client, url):
    page = post_page(client, url, dict(PAGE_1, q03_fee_share="101"), action="next")

    assert page.status_code == 422
    assert "Ensure this value is less than or equal to 100." in page.content.decode()


def test_short_text_over_its_maximum_length_is_refused(client, url):
    post_page(client, url, PAGE_1, action="next")

    page = post_page(client, page2(url), dict(PAGE_2, q08_agency_name="x" * 51))

    assert page.status_code == 422
    assert "This answer has 51 characters; at most 50 fit." in field_html(
        page.content.decode(), "q08_agency_name"
    )
    stored = draft()
    assert "q08_agency_name" not in stored
    assert stored["q09_conditions"] == {"r_housing": "poor", "r_food": "good"}


def test_short_text_at_its_maximum_length_is_stored(client, url):
    post_page(client, url, PAGE_1, action="next")

    page = post_page(client, page2(url), dict(PAGE_2, q08_agency_name="x" * 50))

    assert page.status_code == 302
    assert draft()["q08_agency_name"] == "x" * 50


def test_grid_row_with_an_option_the_grid_does_not_have_is_refused(client, url):
    page = post_page(client, page2(url), {"q09_conditions.r_housing": "excellent"})

    assert page.status_code == 422
    assert "Select a valid choice." in field_html(page.content.decode(), "q09_conditions.r_housing")
    assert "q09_conditions" not in draft()


def test_grid_row_refused_keeps_the_rows_previous_answer(client, url):
    post_page(client, page2(url), PAGE_2)

    page = post_page(client, page2(url), dict(PAGE_2, **{"q09_conditions.r_food": "excellent"}))

    assert page.status_code == 422
    assert draft()["q09_conditions"] == {"r_housing": "poor", "r_food": "good"}


# --- Valid answers are stored in the documented formats -------------------------------------


def test_valid_answers_are_stored_in_the_draft_in_the_documented_formats(client, url):
    first = post_page(
        client,
        url,
        {
            "q01_agency": "yes",
            "q02_fee_amount": "012",
            "q03_fee_share": "12.50",
            "q04_start_date": "2024-3-1",
            "q05_origin": "VN",
            "q06_sector": "other",
            "q07_deductions": ["housing", "tools"],
        },
        action="next",
    )
    assert first.status_code == 302
    assert first["Location"] == page2(url)
    second = post_page(
        client,
        page2(url),
        dict(PAGE_2, q08_agency_name="  Sunrise Manpower  ", q10_comments="Line one.\nLine two."),
    )
    assert second.status_code == 302

    assert draft() == {
        "q01_agency": "yes",
        "q02_fee_amount": "12",  # numbers as strings, normalised
        "q03_fee_share": "12.5",
        "q04_start_date": "2024-03-01",  # dates as YYYY-MM-DD
        "q05_origin": "VN",  # ISO 3166 code
        "q06_sector": "other",
        "q07_deductions": ["housing", "tools"],
        "q08_agency_name": "Sunrise Manpower",
        "q09_conditions": {"r_housing": "poor", "r_food": "good"},  # {row: option}
        "q10_comments": "Line one.\nLine two.",
    }


def test_stored_answers_are_shown_again_on_the_page(client, url):
    post_page(client, url, dict(PAGE_1, q04_start_date="2024-03-01", q05_origin="VN"))
    post_page(client, page2(url), PAGE_2)

    html = client.get(page1(url)).content.decode()
    assert 'value="120"' in field_html(html, "q02_fee_amount")
    assert 'value="2024-03-01"' in field_html(html, "q04_start_date")
    assert re.search(r'<option value="VN" selected>', html)
    html = client.get(page2(url)).content.decode()
    assert re.search(r'name="q09_conditions.r_housing" value="poor"[^>]*checked', html)


def test_zero_is_an_answer(client, url):
    page = post_page(
        client, url, dict(PAGE_1, q02_fee_amount="0", q03_fee_share="0"), action="next"
    )

    assert page.status_code == 302
    assert draft()["q02_fee_amount"] == "0"
    assert draft()["q03_fee_share"] == "0"


# --- Conditions decided on the server --------------------------------------------------------


def test_answer_to_a_question_hidden_by_an_answer_on_the_same_page_is_not_stored(client, url):
    page = post_page(client, url, dict(PAGE_1, q01_agency="no"))

    assert page.status_code == 302
    assert "q02_fee_amount" not in draft()
    assert draft()["q01_agency"] == "no"


def test_question_hidden_by_an_earlier_page_is_not_rendered_and_a_posted_value_not_stored(
    client, url
):
    post_page(client, url, dict(PAGE_1, q01_agency="no"), action="next")

    html = client.get(page2(url)).content.decode()
    assert 'name="q08_agency_name"' not in html
    assert "Which agency?" not in html
    assert 'name="q09_conditions.r_housing"' in html

    # A tampered POST (or a page from before q01 was changed) still sends it.
    page = post_page(client, page2(url), dict(PAGE_2, q08_agency_name="Sunrise Manpower"))

    assert page.status_code == 302
    stored = draft()
    assert "q08_agency_name" not in stored
    assert stored["q09_conditions"] == {"r_housing": "poor", "r_food": "good"}


def test_question_shown_by_an_earlier_page_is_rendered(client, url):
    post_page(client, url, PAGE_1, action="next")

    html = client.get(page2(url)).content.decode()

    assert 'name="q08_agency_name"' in html
    assert "Which agency?" in html


def test_changing_the_controlling_answer_later_removes_the_hidden_answers(client, url):
    post_page(client, url, PAGE_1, action="next")
    post_page(client, page2(url), dict(PAGE_2, q08_agency_name="Sunrise Manpower"), action="back")
    assert draft()["q08_agency_name"] == "Sunrise Manpower"
    assert draft()["q02_fee_amount"] == "120"

    # The supplier goes back and answers "no" (the script disables the hidden fee field).
    changed = {k: v for k, v in PAGE_1.items() if k != "q02_fee_amount"}
    page = post_page(client, url, dict(changed, q01_agency="no"), action="next")

    assert page.status_code == 302
    stored = draft()
    assert stored["q01_agency"] == "no"
    assert "q02_fee_amount" not in stored  # same page
    assert "q08_agency_name" not in stored  # later page
    assert stored["q03_fee_share"] == "40"  # not conditional, only no longer required
    assert stored["q09_conditions"] == {"r_housing": "poor", "r_food": "good"}
    # Answering "yes" again does not bring the dropped answers back.
    post_page(client, url, PAGE_1 | {"q02_fee_amount": ""}, action="save")
    assert "q08_agency_name" not in draft()


def test_required_if_question_is_required_only_when_its_condition_holds(client, url):
    answers = {k: v for k, v in PAGE_1.items() if k != "q03_fee_share"}

    refused = post_page(client, url, answers, action="next")

    assert refused.status_code == 422
    html = refused.content.decode()
    assert "Please answer this question." in field_html(html, "q03_fee_share")
    assert 'href="#field-q03_fee_share"' in html
    assert "Please answer this question." not in field_html(html, "q02_fee_amount")
    # The valid answers were kept all the same.
    assert draft() == answers

    allowed = post_page(
        client, url, dict(answers, q01_agency="no", q02_fee_amount=""), action="next"
    )

    assert allowed.status_code == 302
    assert allowed["Location"] == page2(url)


def test_required_question_blocks_next(client, url):
    page = post_page(client, url, {"q01_agency": "no"}, action="next")

    assert page.status_code == 422
    assert "Please answer this question." in field_html(page.content.decode(), "q06_sector")


def test_submit_checks_required_if_of_earlier_pages(client, url):
    # Page 1 saved (not Next) without the share that "yes" makes required.
    post_page(client, url, {k: v for k, v in PAGE_1.items() if k != "q03_fee_share"})

    page = post_page(client, page2(url), PAGE_2, action="submit")

    assert page.status_code == 302
    assert page["Location"].endswith("#field-q03_fee_share")
    assert Response.objects.get().status == Response.Status.DRAFT
    assert not Answer.objects.exists()


# --- Submission: Answer rows ----------------------------------------------------------------


def test_submitting_writes_answer_rows_in_codes_numbers_and_text(client, url):
    post_page(
        client,
        url,
        dict(
            PAGE_1,
            q02_fee_amount="1200",
            q04_start_date="2024-03-01",
            q05_origin="VN",
            q07_deductions=["housing", "food"],
        ),
        action="next",
    )
    done = post_page(
        client,
        page2(url),
        dict(PAGE_2, q08_agency_name="Sunrise Manpower", q10_comments="Thank you."),
        action="submit",
    )

    assert done.status_code == 302
    assert done["Location"].endswith("/receipt/")
    response = Response.objects.get()
    assert response.status == Response.Status.SUBMITTED
    rows = {
        (a.question_code, a.option_code, a.number, a.text)
        for a in Answer.objects.filter(response=response)
    }
    assert rows == {
        ("q01_agency", "yes", None, ""),
        ("q02_fee_amount", "high", Decimal("1200"), ""),  # the number and its band
        ("q03_fee_share", "", Decimal("40"), ""),  # no bands declared
        ("q04_start_date", "", None, "2024-03-01"),
        ("q05_origin", "VN", None, ""),
        ("q06_sector", "garment", None, ""),
        ("q07_deductions", "housing", None, ""),  # one row per chosen option
        ("q07_deductions", "food", None, ""),
        ("q07_deductions", "", None, ""),  # "answered": counts respondents, not boxes
        ("q08_agency_name", "", None, "Sunrise Manpower"),
        ("q09_conditions.r_housing", "poor", None, ""),  # one row per grid row
        ("q09_conditions.r_food", "good", None, ""),
        ("q10_comments", "", None, "Thank you."),
        # One row per topic on which the answers signal a risk (reports' topic indicators).
        ("_risk.recruitment", "any", None, ""),
        ("_risk.living", "any", None, ""),
    }


def test_submitted_number_gets_the_band_it_falls_in(campaign):
    for amount, band in [("0", "none"), ("1", "some"), ("1000", "some"), ("1001", "high")]:
        answers = dict(PAGE_1, q02_fee_amount=amount)
        response = submit_response(campaign, answers)
        answer = Answer.objects.get(response=response, question_code="q02_fee_amount")
        assert (answer.number, answer.option_code) == (Decimal(amount), band)


def test_hidden_answers_in_a_draft_never_become_answer_rows(client, url):
    post_page(client, url, dict(PAGE_1, q01_agency="no"), action="next")
    post_page(client, page2(url), dict(PAGE_2, q08_agency_name="Sunrise Manpower"), action="submit")

    assert Response.objects.get().status == Response.Status.SUBMITTED
    codes = set(Answer.objects.values_list("question_code", flat=True))
    assert "q02_fee_amount" not in codes
    assert "q08_agency_name" not in codes
    assert "q01_agency" in codes


def test_receipt_shows_every_stored_answer(client, url):
    post_page(
        client,
        url,
        dict(PAGE_1, q02_fee_amount="1200", q04_start_date="2024-03-01", q05_origin="VN"),
        action="next",
    )
    done = post_page(client, page2(url), dict(PAGE_2, q10_comments="Thank you."), action="submit")

    html = client.get(done["Location"]).content.decode()

    stored = html[html.index("What was stored") :]
    answers = dict(re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", stored, re.S))
    assert "1200" in answers["How much did a worker pay the agency?"]
    assert "40" in answers["What share of workers paid a recruitment fee?"]
    assert "2024" in answers["When did the most recent worker start?"]
    assert "Viet" in answers["Where do most workers come from?"]
    grid = answers["How are these provided?"]
    assert "Housing" in grid and "Poor" in grid and "Meals" in grid and "Good" in grid


def test_multiple_choice_option_posted_twice_counts_once(client, url):
    # A tampered or replayed POST; whether it is refused or de-duplicated, the draft must not
    # hold the option twice, and submitting must work.
    post_page(client, url, dict(PAGE_1, q07_deductions=["housing", "housing"]), action="next")
    deductions = draft().get("q07_deductions", [])
    assert len(deductions) == len(set(deductions))

    done = post_page(client, page2(url), PAGE_2, action="submit")

    assert done.status_code == 302
    assert done["Location"].endswith("/receipt/")
    assert Answer.objects.filter(question_code="q07_deductions", option_code="housing").count() <= 1


def test_exclusive_option_combined_is_refused_by_the_service_too(campaign):
    response, _code = response_start(campaign=campaign, language="en")

    with pytest.raises(ValidationError):
        response_save_draft(response=response, answers={"q07_deductions": ["housing", "nothing"]})


def test_number_too_large_to_store_is_refused_when_saved(client, org_a):
    data = copy.deepcopy(EVERY_TYPE)
    data["code"] = "every-type-open"
    del data["sections"][0]["questions"][1]["max"]
    url = start_answering(client, make_campaign(org_a, data, ["en"]))

    page = post_page(client, url, dict(PAGE_1, q02_fee_amount="1" + "0" * 20))

    assert page.status_code == 422
    assert "q02_fee_amount" not in draft()


# --- The report: what the policy may show ---------------------------------------------------


def submitted_answers(index: int) -> dict:
    """Ten suppliers: half pay fees of 100-500 and live well, half pay over 1000 and do not."""
    low = index < 5
    return {
        "q01_agency": "yes",
        "q02_fee_amount": str(100 * (index + 1)) if low else str(2000 + index),
        "q03_fee_share": str(30 + index),
        "q04_start_date": f"2024-03-0{index + 1}" if index < 9 else "2024-03-10",
        "q05_origin": "VN",
        "q06_sector": "garment",
        "q07_deductions": ["housing"],
        "q08_agency_name": f"Agency number {index}",
        "q09_conditions": {"r_housing": "good" if low else "poor", "r_food": "good"},
        "q10_comments": f"Private remark {index}",
    }


def test_report_shows_numbers_by_band_grids_per_row_and_never_free_text(campaign):
    for index in range(10):
        submit_response(campaign, submitted_answers(index))

    release = report_release_if_due(campaign_id=campaign.pk)

    assert release is not None and release.response_count == 10
    content = release.content
    assert content["status"] == policy.OK
    questions = {q["code"]: q for q in content["questions"]}
    # A banded number is a partition over its bands (shares; at 10 responses too uncertain
    # to show, which the release says).
    fee = questions["q02_fee_amount"]
    assert fee["status"] == policy.UNCERTAIN and fee["margin"] > 20
    assert set(fee["cells"]) == {"none", "some", "high", policy.NO_ANSWER}
    # Exact numbers without bands, and dates: only how many gave a value.
    for code in ("q03_fee_share", "q04_start_date"):
        assert questions[code]["status"] == policy.UNSUMMARISED
        assert set(questions[code]["answers"]["cells"]) == {policy.VALUE, policy.NO_ANSWER}
    # A grid is one partition per row.
    grid = questions["q09_conditions"]
    assert set(grid["rows"]) == {"r_housing", "r_food"}
    assert set(grid["rows"]["r_housing"]["cells"]) >= {"good", "poor", policy.NO_ANSWER}
    # Free text is never part of a summary, short or long.
    assert questions["q08_agency_name"]["status"] == policy.FREE_TEXT
    assert questions["q10_comments"]["status"] == policy.FREE_TEXT
    # A country question is measured over every country, not only those named.
    assert len(questions["q05_origin"]["cells"]) > 200
    # No exact value given by a supplier appears anywhere in the release.
    dumped = json.dumps(content)
    for index in range(10):
        answers = submitted_answers(index)
        for code in ("q02_fee_amount", "q03_fee_share", "q04_start_date"):
            assert f'"{answers[code]}"' not in dumped
        assert answers["q08_agency_name"] not in dumped
        assert answers["q10_comments"] not in dumped


def test_no_report_before_five_submissions(campaign):
    for index in range(4):
        submit_response(campaign, submitted_answers(index))

    assert report_release_if_due(campaign_id=campaign.pk) is None


# --- Draft translations -------------------------------------------------------------------

DRAFT_VI = {
    "format": 1,
    "code": "draft-vi",
    "version": 1,
    "languages": ["en", "vi"],
    "draft_languages": ["vi"],
    "title": t("Working conditions", "Điều kiện làm việc"),
    "topics": {"work": t("Work", "Công việc")},
    "sections": [
        {
            "code": "work",
            "title": t("Work", "Công việc"),
            "questions": [
                {
                    "code": "q01_contract",
                    "type": "yes_no",
                    "topic": "work",
                    "text": t(
                        "Do you have a written contract?", "Bạn có hợp đồng bằng văn bản không?"
                    ),
                    "options": [
                        {"code": "yes", "text": t("Yes", "Có"), "risk": "none"},
                        {"code": "no", "text": t("No", "Không"), "risk": "high"},
                    ],
                },
                {
                    "code": "q02_hours",
                    "type": "number",
                    "topic": "work",
                    # Not translated yet: Vietnamese suppliers see the English text.
                    "text": t("How many hours do you work in a normal week?"),
                    "unit": t("hours", "giờ"),
                    "min": 0,
                    "max": 168,
                },
            ],
        }
    ],
}


def test_page_in_a_draft_language_says_so_and_marks_english_fallbacks(client, org_a):
    campaign = make_campaign(org_a, DRAFT_VI, ["en", "vi"])
    url = start_answering(client, campaign, language="vi")

    page = client.get(url)

    assert page.status_code == 200
    html = page.content.decode()
    assert Response.objects.get().language == "vi"
    assert '<p class="message warning" role="note">' in html  # the draft notice
    # The translated question is in Vietnamese, in the page's language.
    assert "Bạn có hợp đồng bằng văn bản không?" in html
    assert re.search(r'<div class="question" data-question="q01_contract">', html)
    # The missing translation is shown in English and marked as English for screen readers.
    tag = re.search(r'<div class="question" data-question="q02_hours"[^>]*>', html)
    assert 'lang="en"' in tag.group(0)
    block = html[tag.end() : html.index("</section>", tag.end())]
    assert "How many hours do you work in a normal week?" in block
    assert 'class="help fallback-note"' in block
    assert "giờ" in block  # the unit has its translation


def test_page_in_english_of_a_campaign_with_a_draft_language_has_no_draft_notice(client, org_a):
    campaign = make_campaign(org_a, DRAFT_VI, ["en", "vi"])
    url = start_answering(client, campaign, language="en")

    html = client.get(url).content.decode()

    assert '<p class="message warning" role="note">' not in html
    assert not re.search(r'<div class="question"[^>]*lang=', html)
    assert "not translated yet" not in html


def test_draft_notice_goes_once_the_translation_is_reviewed(client, org_a):
    campaign = make_campaign(org_a, DRAFT_VI, ["en", "vi"])
    version = campaign.questionnaire_version
    version.reviewed_translations = {"vi": {"by": "reviewer", "at": "2026-01-01"}}
    version.save()
    url = start_answering(client, campaign, language="vi")

    html = client.get(url).content.decode()

    assert '<p class="message warning" role="note">' not in html


def test_a_default_is_shown_filled_in_until_the_supplier_answers(client, org_a):
    """XLSForm's `default`: the supplier sees it filled in; a stored answer replaces it."""
    data = copy.deepcopy(EVERY_TYPE)
    fee = data["sections"][0]["questions"][1]
    assert fee["code"] == "q02_fee_amount"
    fee["default"] = 250
    page = start_answering(client, make_campaign(org_a, data, ["en"]))

    assert 'value="250"' in field_html(client.get(page1(page)).content.decode(), "q02_fee_amount")
    post_page(client, page, dict(PAGE_1, q02_fee_amount="120"))
    html = client.get(page1(page)).content.decode()
    assert 'value="120"' in field_html(html, "q02_fee_amount")
