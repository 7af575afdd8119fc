"""Special answers in the Summary Report: counted on their own rows, never in the percentages
of the substantive answers, never a risk, and never a way round the confidentiality policy."""

import itertools

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import PASSWORD, submit_response
from hrdd.campaigns.models import Campaign
from hrdd.questionnaires.definition import parse_definition
from hrdd.questionnaires.tests.test_special_answers import definition
from hrdd.reports import policy
from hrdd.reports.detailed import iter_rows
from hrdd.reports.exports import summary_rows
from hrdd.reports.measures import _signals
from hrdd.reports.presenters import present_summary
from hrdd.reports.services import report_release_if_due
from hrdd.responses.tests.test_question_types import make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(org_a):
    return make_campaign(org_a, definition(), ["en"])


def answers(index: int) -> dict:
    """Seventeen suppliers: 6 work up to 48 hours, 6 longer, 5 do not know."""
    hours = "40" if index < 6 else "60" if index < 12 else "dont_know"
    return {
        "q01_hours": hours,
        "q02_started": "2024-01-01" if index < 10 else "dont_know",
        "q03_origin": "VN" if index < 6 else "TH" if index < 12 else "prefer_not_to_say",
    }


@pytest.fixture
def release(campaign):
    for index in range(17):
        submit_response(campaign, answers(index))
    release = report_release_if_due(campaign_id=campaign.pk)
    assert release is not None and release.response_count == 17
    return release


def items(release) -> dict:
    return {item["code"]: item for item in release.content["questions"]}


def test_special_answers_are_counted_apart_and_percentages_are_of_the_other_answers(release):
    hours = items(release)["q01_hours"]

    assert hours["status"] == policy.SHOWN
    assert hours["cells"] == {
        "normal": {"count": 6, "percent": 50},  # of the 12 who gave a number
        "long": {"count": 6, "percent": 50},
        "dont_know": {"count": 5, "percent": 29},  # of all 17 responses
        "prefer_not_to_say": {"count": 0, "percent": 0},
        policy.NO_ANSWER: {"count": 0, "percent": 0},
    }
    assert hours["substantive"] == 12
    origin = items(release)["q03_origin"]
    assert origin["cells"]["VN"] == {"count": 6, "percent": 50}
    assert origin["cells"]["prefer_not_to_say"] == {"count": 5, "percent": 29}
    assert origin["substantive"] == 12


def test_a_date_shows_how_many_gave_one_and_how_many_did_not_know_never_the_dates(release):
    started = items(release)["q02_started"]

    assert started["status"] == policy.UNSUMMARISED
    assert started["answers"]["cells"] == {
        policy.VALUE: {"count": 10, "percent": 59},
        "dont_know": {"count": 7, "percent": 41},
        policy.NO_ANSWER: {"count": 0, "percent": 0},
    }
    assert "2024-01-01" not in str(release.content)


def test_the_page_shows_special_answers_on_their_own_rows_outside_the_chart(
    client, alice, campaign, release
):
    with translation.override("en"):
        report = present_summary(
            content=release.content, definition=campaign.questionnaire_version.parsed
        )
    hours = report["sections"][0]["questions"][0]
    assert [(r["label"], r["count"], r["percent"]) for r in hours["rows"]] == [
        ("Up to 48", 6, 50),
        ("Over 48", 6, 50),
    ]
    assert [(r["label"], r["count"]) for r in hours["special_rows"]] == [
        ("Don't know", 5),
        ("Prefer not to say", 0),
    ]
    assert "Don" not in str(hours["chart"])
    assert "Percentages are of the 12 respondents who gave an answer" in hours["note"]

    assert client.login(email=alice.email, password=PASSWORD)
    page = client.get(reverse("reports:summary", args=[campaign.pk])).content.decode()
    article = page[page.index('id="q-q01_hours"') : page.index('id="q-q02_started"')]
    assert "Counted separately: percentages of all responses" in article
    assert "Don&#x27;t know" in article
    started = page[page.index('id="q-q02_started"') : page.index('id="q-q03_origin"')]
    assert "Gave a value" in started and "Responses by kind of answer" in started


def test_the_aggregates_export_gives_the_base_of_the_percentages(campaign, release):
    rows = list(
        summary_rows(
            content=release.content,
            definition=campaign.questionnaire_version.parsed,
            language="en",
        )
    )

    hours = [row for row in rows if row[0] == "q01_hours"]
    assert ["q01_hours", "Weekly hours?", "dont_know", "Don't know", 5, 29, "shown"] in hours
    assert ["q01_hours", "Weekly hours?", "normal", "Up to 48", 6, 50, "shown"] in hours
    assert hours[-1][2:] == [
        policy.SUBSTANTIVE,
        "Gave an answer (the base of the percentages)",
        12,
        None,
        "shown",
    ]


def test_the_answers_export_shows_the_special_code_never_a_number(campaign):
    campaign.mode = Campaign.Mode.DISCLOSED
    campaign.save(update_fields=["mode"])
    for index, name in ((0, "Lotus"), (12, "Mekong")):
        submit_response(campaign, answers(index), supplier_name=name, consent=True)

    header, *data = list(iter_rows(campaign=campaign))

    column = header.index("q01_hours")
    assert sorted(row[column] for row in data) == ["40", "dont_know"]
    assert sorted(row[header.index("q03_origin")] for row in data) == ["VN", "prefer_not_to_say"]


def test_special_answers_never_signal_a_risk(campaign):
    question = campaign.questionnaire_version.parsed.question("q01_hours")
    item = {
        "status": policy.SHOWN,
        "cells": {
            "normal": {"count": 6, "percent": 100},
            "long": {"count": 0, "percent": 0},
            "dont_know": {"count": 9, "percent": 53},
            "prefer_not_to_say": {"count": None, "percent": None},
        },
    }

    assert _signals(question, item) == []
    item["cells"]["long"] = {"count": 5, "percent": 45}
    assert _signals(question, item) == [("high", "work")]


def test_percentages_are_withheld_when_they_would_split_a_hidden_sum():
    # Hidden: Cambodia (6) and "don't know" (2); their sum, 8, is known from the total. The
    # percentage of Viet Nam among the 26 - 2 = 24 substantive answers would tell that
    # "don't know" is 2.
    question = parse_definition(definition()).question("q03_origin")
    counts = {"q03_origin": {"VN": 10, "TH": 8, "KH": 6, "dont_know": 2}}

    item = policy._summarise_question(question, counts, 0, 26, 5)

    assert item["status"] == policy.SHOWN
    assert item["cells"]["KH"]["count"] is None
    assert item["cells"]["dont_know"]["count"] is None
    assert item["cells"]["VN"] == {"count": 10, "percent": None}
    assert item["substantive"] is None
    with translation.override("en"):
        shown = policy_page(item, question)
    assert "Percentages are not shown" in shown["note"]
    assert [(r["count"], r["percent"], r["status"]) for r in shown["rows"]] == [
        (None, None, policy.WITHHELD),  # Cambodia, hidden
        (8, None, policy.SHOWN),  # Thailand: a count, no percentage
        (10, None, policy.SHOWN),  # Viet Nam
    ]
    assert [r["label"] for r in shown["special_rows"]] == ["Don't know", "Prefer not to say"]


def policy_page(item: dict, question) -> dict:
    from hrdd.reports.presenters import _present_question

    return _present_question(item, question, "en", 5)


def _without_substantive(item: dict) -> dict:
    """What the buyer learns from the counts alone (percentages of substantive answers and
    their base are left out)."""
    if item.get("status") != policy.SHOWN:
        return item
    cells = {code: cell["count"] for code, cell in item["cells"].items()}
    return {"status": item["status"], "cells": cells}


def test_substantive_percentages_tell_nothing_that_the_released_counts_do_not():
    """The attacker's view: for every distribution of up to 14 responses, two that release
    the same counts (hidden cells included) must release the same percentages and base too;
    otherwise the percentages would let the buyer tell them apart, i.e. narrow a hidden cell."""
    question = parse_definition(definition()).question("q01_hours")
    k = 5
    for total in range(k, 15):
        seen: dict[str, dict] = {}
        for normal, long, dont_know in itertools.product(range(total + 1), repeat=3):
            prefer_not = total - normal - long - dont_know
            if prefer_not < 0:
                continue
            counts = {
                "q01_hours": {
                    "normal": normal,
                    "long": long,
                    "dont_know": dont_know,
                    "prefer_not_to_say": prefer_not,
                }
            }
            item = policy._summarise_question(question, counts, 0, total, k)
            key = repr(_without_substantive(item))
            if key in seen:
                assert seen[key] == item, (total, normal, long, dont_know)
            else:
                seen[key] = item


def choice_questions():
    data = definition()

    def option(code, risk="low"):
        return {"code": code, "text": {"en": code, "vi": code}, "risk": risk}

    special = {"code": "dont_know", "text": {"en": "Don't know", "vi": "Không biết"}}
    data["sections"][0]["questions"] += [
        {
            "code": "q05_agency",
            "type": "yes_no",
            "topic": "work",
            "text": {"en": "Agency?", "vi": "Agency?"},
            "options": [option("yes"), option("no", "none"), {**special, "special": "dont_know"}],
        },
        {
            "code": "q06_deductions",
            "type": "multiple_choice",
            "topic": "work",
            "text": {"en": "Deductions?", "vi": "Deductions?"},
            "options": [option("food"), option("housing"), {**special, "special": "dont_know"}],
        },
    ]
    parsed = parse_definition(data)
    return parsed.question("q05_agency"), parsed.question("q06_deductions")


def test_a_choice_questions_special_options_are_apart_from_its_percentages():
    agency, _deductions = choice_questions()
    counts = {"q05_agency": {"yes": 9, "no": 6, "dont_know": 5}}

    item = policy._summarise_question(agency, counts, 0, 20, 5)

    assert item["cells"]["yes"] == {"count": 9, "percent": 60}  # of 15, not of 20
    assert item["cells"]["dont_know"] == {"count": 5, "percent": 25}
    assert item["substantive"] == 15


def test_a_multiple_choice_question_gives_percentages_of_those_who_chose_an_answer():
    _agency, deductions = choice_questions()
    # 20 responses: 5 did not answer, 5 did not know, 10 chose food and/or housing.
    counts = {"q06_deductions": {"food": 8, "housing": 6, "dont_know": 5}}

    item = policy._summarise_question(deductions, counts, 15, 20, 5)

    assert item["substantive"] == 10
    assert item["options"]["food"]["cell"] == {"count": 8, "percent": 80}
    assert item["options"]["dont_know"]["cell"] == {"count": 5, "percent": 25}
    # With "don't know" hidden (2 suppliers) the base would reveal it: no percentages.
    counts = {"q06_deductions": {"food": 8, "housing": 6, "dont_know": 2}}
    item = policy._summarise_question(deductions, counts, 12, 20, 5)
    assert item["options"]["dont_know"]["cell"]["count"] is None
    assert item["substantive"] is None
    assert item["options"]["food"]["cell"] == {"count": 8, "percent": None}
