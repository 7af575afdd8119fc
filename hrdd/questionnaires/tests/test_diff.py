"""The diff between two versions of a questionnaire (hrdd/questionnaires/diff.py).

The same question code in two versions means "comparable": reports set the answers side by
side. Before publishing a new version the operator reads the diff to learn where that stops
being true (options or type changed) and what a translator must look at again (wording). A
change the diff does not show is a change nobody reviews.
"""

import copy

import polib
import pytest
from django.urls import reverse

from hrdd.questionnaires.definition import parse_definition
from hrdd.questionnaires.diff import diff_definitions
from hrdd.questionnaires.services import questionnaire_publish
from hrdd.questionnaires.translations import out_of_date
from hrdd.testing.world import PASSWORD


def t(en: str, ja: str | None = None) -> dict:
    return {"en": en, "ja": ja or f"{en}（日本語）"}


def option(code: str, risk: str = "low", **extra) -> dict:
    return {"code": code, "text": t(code.capitalize()), "risk": risk, **extra}


def base() -> dict:
    return {
        "format": 1,
        "code": "diff-test",
        "version": 1,
        "languages": ["en", "ja"],
        "title": t("Diff test"),
        "topics": {"work": t("Work"), "pay": t("Pay")},
        "indicators": {"debt_bondage": t("Debt bondage")},
        "sections": [
            {
                "code": "first",
                "title": t("First page"),
                "questions": [
                    {
                        "code": "q01_policy",
                        "type": "single_choice",
                        "topic": "work",
                        "required": True,
                        "text": t("Do you have a policy?"),
                        "options": [
                            option("yes", "none"),
                            option("no", "high"),
                            {"code": "dont_know", "text": t("Don't know"), "special": "dont_know"},
                        ],
                    },
                    {
                        "code": "q02_hours",
                        "type": "number",
                        "topic": "work",
                        "min": 0,
                        "max": 100,
                        "unit": t("hours a week"),
                        "text": t("Usual weekly hours?"),
                        "bands": [
                            {"code": "normal", "text": t("Up to 48"), "max": 48, "risk": "none"},
                            {"code": "long", "text": t("Over 48"), "min": 49, "risk": "high"},
                        ],
                    },
                    {
                        "code": "q03_comments",
                        "type": "long_text",
                        "topic": "work",
                        "text": t("Comments?"),
                    },
                ],
            },
            {
                "code": "second",
                "title": t("Second page"),
                "show_if": {"question": "q01_policy", "equals": "yes"},
                "questions": [
                    {
                        "code": "q04_checks",
                        "type": "grid",
                        "topic": "work",
                        "text": t("What do you check?"),
                        "rows": [
                            {"code": "licence", "text": t("Licence")},
                            {"code": "fees", "text": t("Fees")},
                        ],
                        "options": [option("always", "none"), option("never", "high")],
                    },
                ],
            },
        ],
    }


def q(data: dict, code: str) -> dict:
    return next(x for s in data["sections"] for x in s["questions"] if x["code"] == code)


def diff_of(old: dict, new: dict):
    return diff_definitions(parse_definition(old), parse_definition(new))


def changed(diff, code: str):
    matches = [c for c in diff.changed if c.code == code]
    assert len(matches) == 1, [c.code for c in diff.changed]
    return matches[0]


@pytest.fixture
def old() -> dict:
    return base()


@pytest.fixture
def new(old) -> dict:
    result = copy.deepcopy(old)
    result["version"] = 2
    return result


def test_identical_versions_have_no_differences(old, new):
    diff = diff_of(old, new)

    assert diff.is_empty
    assert not diff.changed and not diff.added and not diff.removed


def test_added_and_removed_questions(old, new):
    new["sections"][0]["questions"].pop(2)  # q03_comments
    new["sections"][0]["questions"].append(
        {"code": "q05_union", "type": "short_text", "topic": "work", "text": t("Which union?")}
    )

    diff = diff_of(old, new)

    assert [x.code for x in diff.added] == ["q05_union"]
    assert [x.code for x in diff.removed] == ["q03_comments"]
    assert diff.changed == []
    assert not diff.is_empty


def test_renaming_a_code_is_a_removal_and_an_addition_not_a_change(old, new):
    q(new, "q03_comments")["code"] = "q03_remarks"

    diff = diff_of(old, new)

    assert [x.code for x in diff.added] == ["q03_remarks"]
    assert [x.code for x in diff.removed] == ["q03_comments"]


def test_wording_change_names_the_languages_and_keeps_the_question_comparable(old, new):
    q(new, "q01_policy")["text"]["ja"] = "方針を定めていますか？"

    change = changed(diff_of(old, new), "q01_policy")

    assert change.wording == ["ja"]
    assert change.text == "Do you have a policy?"
    assert change.options_added == change.options_removed == change.options_reworded == []
    assert change.other == []
    assert change.comparable


def test_a_translation_added_for_a_text_counts_as_a_wording_change_in_that_language(old, new):
    for data in (old, new):
        data["languages"] = ["en", "ja", "vi"]
        data["draft_languages"] = ["vi"]
    q(new, "q03_comments")["text"]["vi"] = "Ý kiến khác?"

    change = changed(diff_of(old, new), "q03_comments")

    assert change.wording == ["vi"]


def test_option_added_or_removed_makes_the_question_not_comparable(old, new):
    options = q(new, "q01_policy")["options"]
    options.insert(2, option("in_progress", "medium"))
    options.pop(1)  # "no"

    change = changed(diff_of(old, new), "q01_policy")

    assert change.options_added == ["in_progress"]
    assert change.options_removed == ["no"]
    assert not change.comparable


def test_reworded_option_is_listed_and_stays_comparable(old, new):
    q(new, "q01_policy")["options"][0]["text"]["en"] = "Yes, written"

    change = changed(diff_of(old, new), "q01_policy")

    assert change.options_reworded == ["yes"]
    assert change.wording == []
    assert change.comparable


def test_type_change_makes_the_question_not_comparable(old, new):
    question = q(new, "q03_comments")
    question["type"] = "short_text"

    change = changed(diff_of(old, new), "q03_comments")

    assert "type" in change.other
    assert not change.comparable


def test_changed_risk_or_indicators_of_an_option_is_reported(old, new):
    q(new, "q01_policy")["options"][1]["indicators"] = ["debt_bondage"]

    assert changed(diff_of(old, new), "q01_policy").other == ["risk"]


def test_changed_risk_of_a_band_is_reported(old, new):
    q(new, "q02_hours")["bands"][1]["risk"] = "medium"

    change = changed(diff_of(old, new), "q02_hours")

    assert change.other == ["risk"]
    assert change.comparable


def test_changed_band_range_or_wording_is_reported(old, new):
    q(new, "q02_hours")["bands"][0]["max"] = 50
    q(new, "q02_hours")["bands"][1]["min"] = 51

    assert changed(diff_of(old, new), "q02_hours").other == ["bands"]

    renamed = copy.deepcopy(old)
    q(renamed, "q02_hours")["bands"][1]["text"]["ja"] = "48時間超"
    assert changed(diff_of(old, renamed), "q02_hours").other == ["bands"]


def test_changed_conditions_are_reported(old, new):
    q(new, "q03_comments")["show_if"] = {"question": "q01_policy", "equals": "no"}
    q(new, "q02_hours")["required_if"] = {"question": "q01_policy", "equals": "yes"}

    diff = diff_of(old, new)

    assert changed(diff, "q03_comments").other == ["show_if"]
    assert changed(diff, "q02_hours").other == ["required_if"]


def test_changed_required_range_unit_and_help_are_reported(old, new):
    q(new, "q01_policy")["required"] = False
    hours = q(new, "q02_hours")
    hours["max"] = 80
    hours["integer"] = True
    hours["unit"] = t("hours a month")
    hours["help"] = t("Count paid overtime.")

    diff = diff_of(old, new)

    assert changed(diff, "q01_policy").other == ["required"]
    assert sorted(changed(diff, "q02_hours").other) == ["help", "integer", "max", "unit"]


def test_changed_topic_and_special_answers_are_reported(old, new):
    q(new, "q01_policy")["topic"] = "pay"
    q(new, "q01_policy")["options"][2]["special"] = "prefer_not_to_say"
    q(new, "q01_policy")["options"][2]["code"] = "dont_know"

    assert changed(diff_of(old, new), "q01_policy").other == ["topic", "special"]


def test_changed_text_length_is_reported(old, new):
    q(new, "q03_comments")["max_length"] = 500

    assert changed(diff_of(old, new), "q03_comments").other == ["max_length"]


def test_grid_rows_added_removed_or_reworded_are_reported(old, new):
    q(new, "q04_checks")["rows"].append({"code": "housing", "text": t("Housing")})
    assert changed(diff_of(old, new), "q04_checks").other == ["rows"]

    reworded = copy.deepcopy(old)
    q(reworded, "q04_checks")["rows"][0]["text"]["en"] = "Operating licence"
    assert changed(diff_of(old, reworded), "q04_checks").other == ["rows"]


def test_question_moved_to_another_page_is_reported(old, new):
    moved = new["sections"][0]["questions"].pop(2)  # q03_comments
    new["sections"][1]["questions"].append(moved)

    assert changed(diff_of(old, new), "q03_comments").other == ["section"]


def test_added_removed_and_changed_pages(old, new):
    new["sections"][1]["title"]["en"] = "Checks"
    new["sections"][1]["show_if"] = {"question": "q01_policy", "in": ["yes", "dont_know"]}
    new["sections"].append(
        {
            "code": "third",
            "title": t("Third page"),
            "questions": [
                {"code": "q06_more", "type": "short_text", "topic": "work", "text": t("More?")}
            ],
        }
    )

    diff = diff_of(old, new)

    assert [s.code for s in diff.sections_added] == ["third"]
    assert [x.code for x in diff.added] == ["q06_more"]
    [page] = diff.sections_changed
    assert (page.code, page.title, page.wording, page.other) == (
        "second",
        "Checks",
        ["en"],
        ["show_if"],
    )

    without = copy.deepcopy(old)
    without["sections"][0]["questions"].extend(without["sections"].pop(1)["questions"])
    diff = diff_of(old, without)
    assert [s.code for s in diff.sections_removed] == ["second"]
    assert changed(diff, "q04_checks").other == ["section"]
    assert diff.added == diff.removed == []


def test_languages_added_and_removed(old, new):
    new["languages"] = ["en", "ja", "th"]
    new["draft_languages"] = ["th"]

    diff = diff_of(old, new)

    assert diff.languages_added == ["th"]
    assert diff.languages_removed == []
    assert diff_of(new, old).languages_removed == ["th"]


@pytest.mark.django_db
def test_the_operator_sees_changed_pages_and_questions_on_the_diff_screen(client, olivia, old, new):
    new["sections"][1]["show_if"] = {"question": "q01_policy", "equals": "dont_know"}
    q(new, "q01_policy")["options"].insert(2, option("in_progress", "medium"))
    first = questionnaire_publish(data=old)
    second = questionnaire_publish(data=new)
    assert client.login(email=olivia.email, password=PASSWORD)

    page = client.get(reverse("questionnaires:diff", args=[second.pk]) + f"?other={first.pk}")

    text = page.content.decode()
    assert "Differences between diff-test v1 and diff-test v2" in text
    assert "Changed pages" in text and "<code>second</code> Second page" in text
    assert "+ in_progress" in text
    assert "<strong>no</strong>" in text  # q01_policy no longer comparable


def test_special_answers_given_to_a_number_question_are_reported(old, new):
    q(new, "q02_hours")["special_answers"] = [{"code": "dont_know", "text": t("Don't know")}]

    change = changed(diff_of(old, new), "q02_hours")

    assert change.other == ["special_answers"]
    assert change.comparable


def test_changed_english_lists_the_translations_left_out_of_date(old, new):
    """The English is what translators translate: where it changed and a translation stayed
    as it was, that translation is out of date; one changed with it is not."""
    q(new, "q01_policy")["text"]["en"] = "Do you have a written policy?"
    q(new, "q01_policy")["options"][0]["text"] = t("Yes, written", "はい（文書あり）")

    diff = diff_of(old, new)

    [question, option_yes] = diff.texts_changed
    assert (question.key, question.old, question.new) == (
        "questions.q01_policy.text",
        "Do you have a policy?",
        "Do you have a written policy?",
    )
    assert question.out_of_date == ["ja"] and question.updated == []
    assert option_yes.key == "questions.q01_policy.options.yes"
    assert option_yes.out_of_date == [] and option_yes.updated == ["ja"]
    assert diff.out_of_date_counts == {"ja": 1}


def test_a_translation_changed_alone_leaves_nothing_out_of_date(old, new):
    q(new, "q01_policy")["text"]["ja"] = "方針を定めていますか？"
    new["topics"]["work"]["ja"] = "仕事"

    diff = diff_of(old, new)

    assert diff.texts_changed == [] and diff.out_of_date_counts == {}


def test_page_titles_units_and_topics_count_as_texts_too(old, new):
    new["sections"][0]["title"]["en"] = "Policies"
    q(new, "q02_hours")["unit"]["en"] = "hours per week"
    new["topics"]["pay"]["en"] = "Wages"

    diff = diff_of(old, new)

    assert [c.key for c in diff.texts_changed] == [
        "topics.pay",
        "sections.first.title",
        "questions.q02_hours.unit",
    ]
    assert not diff.is_empty
    assert all(c.out_of_date == ["ja"] for c in diff.texts_changed)


def test_out_of_date_follows_the_versions_until_a_translator_changes_the_text():
    """Out of date stays out of date in the versions after the English change, until the
    translation itself changes; a translation made in the same version is up to date."""
    v1 = base()
    v2 = copy.deepcopy(v1)
    q(v2, "q01_policy")["text"]["en"] = "Do you have a written policy?"
    v3 = copy.deepcopy(v2)
    q(v3, "q03_comments")["text"]["en"] = "Anything else?"
    q(v3, "q03_comments")["text"]["ja"] = "ほかにありますか？"
    v4 = copy.deepcopy(v3)
    q(v4, "q01_policy")["text"]["ja"] = "文書化された方針がありますか？"

    assert out_of_date([v1, v2], "ja") == {"questions.q01_policy.text": "Do you have a policy?"}
    assert out_of_date([v1, v2, v3], "ja") == {"questions.q01_policy.text": "Do you have a policy?"}
    assert out_of_date([v1, v2, v3, v4], "ja") == {}
    assert out_of_date([v3], "ja") == {}  # no history: nothing is known to be out of date


@pytest.mark.django_db
def test_the_operator_sees_which_translations_are_out_of_date(client, olivia, old, new):
    new["languages"] = ["en", "ja", "vi"]
    new["draft_languages"] = ["vi"]
    for question in new["sections"][0]["questions"]:
        question["text"]["vi"] = f"{question['text']['en']} (vi)"
    q(new, "q01_policy")["text"]["en"] = "Do you have a written policy?"
    q(new, "q02_hours")["text"]["en"] = "Usual hours in a week?"
    q(new, "q02_hours")["text"]["ja"] = "通常の1週間の労働時間は？"
    first = questionnaire_publish(data=old)
    second = questionnaire_publish(data=new)
    assert client.login(email=olivia.email, password=PASSWORD)

    page = client.get(reverse("questionnaires:diff", args=[second.pk]) + f"?other={first.pk}")

    text = page.content.decode()
    assert "Changed English texts" in text
    assert "<del>Do you have a policy?</del>" in text
    assert "<ins>Do you have a written policy?</ins>" in text
    rows = {row.split("</code>")[0]: row for row in text.split("<tr><td><code>")[1:]}
    policy, hours = rows["questions.q01_policy.text"], rows["questions.q02_hours.text"]
    # Japanese was left as it was for the policy question: flagged; translated again for
    # the hours question: not flagged. Vietnamese is new with the change: not flagged.
    assert '<strong class="out-of-date">Japanese</strong>' in policy
    assert "out-of-date" not in hours and "Japanese, Vietnamese" in hours
    assert "<strong>Japanese</strong>: 1 text out of date" in text
    po_link = reverse("questionnaires:export", args=[second.pk, "po"]) + "?language=ja"
    assert po_link in text


@pytest.mark.django_db
def test_po_export_marks_out_of_date_translations_for_review(client, olivia, old, new):
    """A translator's tool shows the out-of-date entries as needing review, with the English
    they were translated from; the others are not flagged."""
    q(new, "q01_policy")["text"]["en"] = "Do you have a written policy?"
    questionnaire_publish(data=old)
    second = questionnaire_publish(data=new)
    assert client.login(email=olivia.email, password=PASSWORD)

    url = reverse("questionnaires:export", args=[second.pk, "po"])
    po = polib.pofile(client.get(url, {"language": "ja"}).content.decode())

    entries = {e.msgctxt: e for e in po}
    policy = entries["questions.q01_policy.text"]
    assert "fuzzy" in policy.flags
    assert policy.previous_msgid == "Do you have a policy?"
    assert policy.msgid == "Do you have a written policy?"
    assert [e.msgctxt for e in po if "fuzzy" in e.flags] == ["questions.q01_policy.text"]
