"""Special answers ("don't know", "prefer not to say") on number, percentage, date and country
questions: how an author declares them, the errors a bad declaration gets, XLSForm.

Choice questions have them as options marked `special`; the other types declare
`special_answers`, each a stable code with its text in every language of the file.
"""

import io

import openpyxl
import pytest

from hrdd.questionnaires.definition import DefinitionError, load_file, parse_definition
from hrdd.questionnaires.services import BUILTIN_DIR
from hrdd.questionnaires.xlsform import XLSFormError, definition_to_xlsform, xlsform_to_definition
from hrdd.testing.definitions import DONT_KNOW, PREFER_NOT, special_answers_definition


def t(en: str) -> dict:
    return {"en": en, "vi": f"{en} (vi)"}


def errors_of(data: dict) -> list[str]:
    with pytest.raises(DefinitionError) as info:
        parse_definition(data, source="specials.yaml")
    assert str(info.value).startswith("specials.yaml: ")
    return info.value.errors


def question(data: dict, code: str) -> dict:
    return next(q for s in data["sections"] for q in s["questions"] if q["code"] == code)


def test_declared_special_answers_are_parsed_with_their_codes_and_texts():
    parsed = parse_definition(special_answers_definition())

    hours = parsed.question("q01_hours")
    assert [a.code for a in hours.special_answers] == ["dont_know", "prefer_not_to_say"]
    assert hours.special_answer("dont_know").text.get("vi") == "Không biết"
    assert hours.special_answer("dont_know").risk is None
    assert hours.special_codes == {"dont_know", "prefer_not_to_say"}
    assert parsed.question("q02_started").special_answer("prefer_not_to_say") is None


def test_special_answers_on_a_choice_question_are_refused_naming_the_question_and_field():
    data = special_answers_definition()
    data["sections"][0]["questions"].append(
        {
            "code": "q05_agency",
            "type": "single_choice",
            "topic": "work",
            "text": t("Agency?"),
            "options": [
                {"code": "yes", "text": t("Yes"), "risk": "low"},
                {"code": "no", "text": t("No"), "risk": "none"},
            ],
            "special_answers": [DONT_KNOW],
        }
    )

    assert errors_of(data) == [
        "question 'q05_agency' > special_answers: only number, percentage, date and country "
        "questions have special_answers (choice questions use options with special)"
    ]


def test_an_unknown_special_code_is_refused_by_the_schema_with_its_place():
    data = special_answers_definition()
    question(data, "q02_started")["special_answers"] = [
        {"code": "not_applicable", "text": t("N/A")}
    ]

    (error,) = errors_of(data)
    assert error.startswith("sections 'main' > questions 'q02_started' > special_answers")
    assert "'not_applicable' is not one of ['dont_know', 'prefer_not_to_say']" in error


def test_duplicate_and_untranslated_special_answers_are_each_reported():
    data = special_answers_definition()
    question(data, "q03_origin")["special_answers"] = [
        DONT_KNOW,
        {"code": "dont_know", "text": {"en": "Not known"}},
    ]

    assert errors_of(data) == [
        "question 'q03_origin' > special answer 'dont_know': duplicate special answer",
        "question 'q03_origin' > special answer 'dont_know' > text: "
        "missing text for language(s) vi",
    ]


def test_a_band_cannot_take_a_special_answers_code():
    data = special_answers_definition()
    question(data, "q01_hours")["bands"][0]["code"] = "dont_know"

    assert errors_of(data) == [
        "question 'q01_hours' > band 'dont_know': 'dont_know' is reserved for a special answer"
    ]


def test_a_condition_on_a_special_answer_the_question_does_not_accept_is_refused():
    data = special_answers_definition()
    question(data, "q04_share")["show_if"] = {"question": "q02_started", "equals": "dont_know"}
    parse_definition(data)  # declared: fine

    question(data, "q04_share")["show_if"] = {
        "question": "q02_started",
        "in": ["prefer_not_to_say"],
    }
    assert errors_of(data) == [
        "question 'q04_share' > show_if: 'q02_started' does not accept the special answer "
        "'prefer_not_to_say'"
    ]


@pytest.mark.parametrize(
    ("code", "questions"),
    [
        ("forced-labour", ["q01_migrant_share", "q02_recruitment_country", "q04_fee_months"]),
        ("forced-labour", ["q13_overtime_hours"]),
        ("migrant-workers", ["q02_migrant_share", "q03_main_origin_country", "q08_fee_months"]),
    ],
)
def test_builtin_numbers_and_countries_accept_dont_know_in_every_language(code, questions):
    parsed = parse_definition(load_file(BUILTIN_DIR / f"{code}.yaml"))
    choice_label = next(
        o.text for q in parsed.questions for o in q.options if o.special == "dont_know"
    )
    for question_code in questions:
        special = parsed.question(question_code).special_answer("dont_know")
        assert special is not None, question_code
        assert set(special.text.values) == set(parsed.languages)
        # The same words as the file's own "don't know" options.
        assert special.text == choice_label


# --- XLSForm ---------------------------------------------------------------------------------


def test_xlsform_round_trip_keeps_special_answers_and_their_translations():
    data = special_answers_definition()

    back = xlsform_to_definition(definition_to_xlsform(data))

    assert parse_definition(back) == parse_definition(data)
    assert question(back, "q01_hours")["special_answers"] == [DONT_KNOW, PREFER_NOT]


def sheet(content: bytes, name: str) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for row in book[name].iter_rows(values_only=True)]


def test_xlsform_export_puts_special_answers_in_a_choices_list_named_by_the_question():
    survey, choices = (
        sheet(definition_to_xlsform(special_answers_definition()), name)
        for name in ("survey", "choices")
    )

    header = survey[0]
    hours = next(row for row in survey if row[1] == "q01_hours")
    assert hours[header.index("hrdd_special_answers")] == "q01_hours"
    names = [(row[0], row[1], row[choices[0].index("hrdd_special")]) for row in choices[1:]]
    assert ("q01_hours", "dont_know", "dont_know") in names
    assert ("q01_hours", "prefer_not_to_say", "prefer_not_to_say") in names


def test_xlsform_special_answers_list_with_an_ordinary_choice_is_refused_on_its_row():
    content = definition_to_xlsform(special_answers_definition())
    book = openpyxl.load_workbook(io.BytesIO(content))
    choices = book["choices"]
    header = [c.value for c in choices[1]]
    row = next(r for r in choices.iter_rows(min_row=2) if r[1].value == "dont_know")
    row[1].value = "no_idea"
    row[header.index("hrdd_special")].value = None
    out = io.BytesIO()
    book.save(out)

    with pytest.raises(XLSFormError) as info:
        xlsform_to_definition(out.getvalue())
    assert any(
        e.startswith("survey row ")
        and "q01_hours" in e
        and "hrdd_special_answers: choice 'no_idea' of list 'q01_hours' must be named "
        "dont_know or prefer_not_to_say"
        in e
        for e in info.value.errors
    ), info.value.errors


def test_xlsform_special_answers_on_a_text_question_is_refused():
    content = definition_to_xlsform(special_answers_definition())
    book = openpyxl.load_workbook(io.BytesIO(content))
    survey = book["survey"]
    row = next(r for r in survey.iter_rows(min_row=2) if r[1].value == "q02_started")
    row[0].value = "text"
    out = io.BytesIO()
    book.save(out)

    with pytest.raises(XLSFormError) as info:
        xlsform_to_definition(out.getvalue())
    assert any(
        "q02_started" in e and "hrdd_special_answers is only for integer, decimal, date" in e
        for e in info.value.errors
    ), info.value.errors
