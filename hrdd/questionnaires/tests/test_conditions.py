"""Conditions (show_if, required_if) and the validation of the extended question types.

The server decides with `conditions` which questions a supplier sees and must answer, and
drops answers to hidden questions: a wrong result here either asks a supplier questions that
do not apply or keeps an answer the supplier was told did not count. Authors must learn of
every impossible condition or malformed question when they publish, not when suppliers answer.
"""

import copy
from decimal import Decimal

import pytest

from hrdd.questionnaires import conditions
from hrdd.questionnaires.definition import DefinitionError, load_file, parse_definition

# --- Building small definitions ------------------------------------------------------------------


def t(en: str = "Text") -> dict:
    return {"en": en}


def option(code: str, risk: str = "low", **extra) -> dict:
    return {"code": code, "text": t(code.capitalize()), "risk": risk, **extra}


YES_NO_OPTIONS = [
    option("yes", "high"),
    option("no", "none"),
    {"code": "dont_know", "text": t("Don't know"), "special": "dont_know"},
]


def question(code: str, qtype: str = "single_choice", **extra) -> dict:
    q = {"code": code, "type": qtype, "topic": "work", "text": t(f"Question {code}")}
    if qtype in {"single_choice", "multiple_choice", "grid"}:
        q["options"] = [option("a"), option("b"), option("c", "high")]
    if qtype == "yes_no":
        q["options"] = copy.deepcopy(YES_NO_OPTIONS)
    if qtype == "grid":
        q["rows"] = [{"code": "r1", "text": t("Row 1")}, {"code": "r2", "text": t("Row 2")}]
    q.update(extra)
    return q


def minimal() -> dict:
    """A valid definition in English only, with one question of each kind conditions use."""
    return {
        "format": 1,
        "code": "cond-test",
        "version": 1,
        "languages": ["en"],
        "title": t("Conditions"),
        "topics": {"work": t("Work")},
        "indicators": {"debt_bondage": t("Debt bondage")},
        "sections": [
            {
                "code": "first",
                "title": t("First"),
                "questions": [
                    question("q01_yes_no", "yes_no"),
                    question("q02_single"),
                    question("q03_multiple", "multiple_choice"),
                    question("q04_number", "number", min=0, max=100),
                    question("q05_percentage", "percentage"),
                    question("q06_grid", "grid"),
                    question("q07_country", "country"),
                    question("q08_text", "short_text"),
                ],
            }
        ],
    }


def add(data: dict, *questions: dict, section: int = 0) -> dict:
    data["sections"][section]["questions"].extend(questions)
    return data


def q_of(data: dict, code: str) -> dict:
    return next(q for s in data["sections"] for q in s["questions"] if q["code"] == code)


def errors_of(data: dict) -> list[str]:
    with pytest.raises(DefinitionError) as info:
        parse_definition(data, source="test.yaml")
    return info.value.errors


def only_error(data: dict) -> str:
    errors = errors_of(data)
    assert len(errors) == 1, errors
    return errors[0]


def test_minimal_definition_is_valid():
    definition = parse_definition(minimal())

    assert definition.languages == ("en",)
    assert len(definition.questions) == 8


# --- evaluate: every operator --------------------------------------------------------------------


def test_no_condition_always_holds():
    assert conditions.evaluate(None, {}) is True


@pytest.mark.parametrize(
    ("stored", "expected"),
    [("yes", True), ("no", False), ("dont_know", False), ("Yes", False)],
)
def test_equals_compares_option_codes_exactly(stored, expected):
    condition = {"question": "q01", "equals": "yes"}

    assert conditions.evaluate(condition, {"q01": stored}) is expected


@pytest.mark.parametrize(
    ("stored", "expected"),
    [("12", True), ("12.0", True), ("12.00", True), ("12.5", False), ("120", False)],
)
def test_equals_with_a_number_compares_numerically(stored, expected):
    # Drafts keep numbers as strings; "12.0" is the same number as 12.
    assert conditions.evaluate({"question": "q04", "equals": 12}, {"q04": stored}) is expected


def test_equals_with_a_number_is_false_for_a_value_that_is_not_a_number():
    assert conditions.evaluate({"question": "q04", "equals": 12}, {"q04": "twelve"}) is False


def test_equals_with_a_decimal_number():
    condition = {"question": "q04", "equals": 12.5}

    assert conditions.evaluate(condition, {"q04": "12.5"}) is True
    assert conditions.evaluate(condition, {"q04": "12.50"}) is True
    assert conditions.evaluate(condition, {"q04": "12"}) is False


@pytest.mark.parametrize(
    ("stored", "expected"),
    [("yes", True), ("dont_know", True), ("no", False), ("prefer_not_to_say", False)],
)
def test_in_holds_for_any_listed_value(stored, expected):
    condition = {"question": "q01", "in": ["yes", "dont_know"]}

    assert conditions.evaluate(condition, {"q01": stored}) is expected


def test_in_with_numbers_compares_numerically():
    condition = {"question": "q04", "in": [0, 10]}

    assert conditions.evaluate(condition, {"q04": "10"}) is True
    assert conditions.evaluate(condition, {"q04": "0"}) is True
    assert conditions.evaluate(condition, {"q04": "5"}) is False


@pytest.mark.parametrize(
    ("stored", "expected"),
    [(["a"], True), (["b", "a"], True), (["b", "c"], False), (["ab"], False)],
)
def test_includes_holds_when_the_option_was_among_those_chosen(stored, expected):
    condition = {"question": "q03", "includes": "a"}

    assert conditions.evaluate(condition, {"q03": stored}) is expected


def test_in_and_equals_on_a_multiple_choice_answer_hold_for_any_chosen_option():
    answers = {"q03": ["b", "c"]}

    assert conditions.evaluate({"question": "q03", "equals": "c"}, answers) is True
    assert conditions.evaluate({"question": "q03", "in": ["a", "b"]}, answers) is True
    assert conditions.evaluate({"question": "q03", "in": ["a"]}, answers) is False


@pytest.mark.parametrize(
    ("op", "target", "expected"),
    [
        ("gt", 12, True),
        ("gt", 12.5, False),
        ("gt", 13, False),
        ("gte", 12.5, True),
        ("gte", 12, True),
        ("gte", 12.6, False),
        ("lt", 13, True),
        ("lt", 12.5, False),
        ("lt", 12, False),
        ("lte", 12.5, True),
        ("lte", 13, True),
        ("lte", 12.4, False),
    ],
)
def test_number_comparisons_read_the_stored_string_as_a_number(op, target, expected):
    assert conditions.evaluate({"question": "q04", op: target}, {"q04": "12.5"}) is expected


def test_number_comparisons_are_numeric_not_alphabetical():
    # As strings "9" > "60"; as numbers it is not.
    assert conditions.evaluate({"question": "q04", "gt": 60}, {"q04": "9"}) is False
    assert conditions.evaluate({"question": "q04", "gt": 60}, {"q04": "100"}) is True
    assert conditions.evaluate({"question": "q04", "lt": 0}, {"q04": "-0.5"}) is True


def test_number_comparison_with_a_value_that_is_not_a_number_is_false():
    for op in ("gt", "gte", "lt", "lte"):
        assert conditions.evaluate({"question": "q04", op: 0}, {"q04": "many"}) is False, op


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"q08": "Some words"}, True),
        ({"q08": ""}, False),
        ({}, False),
        ({"q08": None}, False),
        ({"q08": []}, False),
        ({"q08": {}}, False),
        ({"q08": ["a"]}, True),
        ({"q08": "0"}, True),
    ],
)
def test_answered(answers, expected):
    assert conditions.evaluate({"question": "q08", "answered": True}, answers) is expected
    assert conditions.evaluate({"question": "q08", "answered": False}, answers) is not expected


def test_all_any_not_and_their_nesting():
    yes = {"question": "q01", "equals": "yes"}
    many = {"question": "q04", "gt": 60}
    answers = {"q01": "yes", "q04": "40"}

    assert conditions.evaluate({"all": [yes]}, answers) is True
    assert conditions.evaluate({"all": [yes, many]}, answers) is False
    assert conditions.evaluate({"any": [yes, many]}, answers) is True
    assert conditions.evaluate({"any": [many]}, answers) is False
    assert conditions.evaluate({"not": many}, answers) is True
    assert conditions.evaluate({"not": yes}, answers) is False
    assert conditions.evaluate({"all": [yes, {"not": many}]}, answers) is True
    assert conditions.evaluate({"any": [{"all": [yes, many]}, {"not": {"any": [many]}}]}, answers)
    assert not conditions.evaluate({"not": {"any": [many, {"all": [yes]}]}}, answers)
    assert conditions.evaluate({"not": {"not": yes}}, answers) is True


def test_grid_row_is_referred_to_as_question_dot_row():
    answers = {"q06": {"r1": "a", "r2": "c"}}

    assert conditions.evaluate({"question": "q06.r1", "equals": "a"}, answers) is True
    assert conditions.evaluate({"question": "q06.r2", "equals": "a"}, answers) is False
    assert conditions.evaluate({"question": "q06.r2", "in": ["b", "c"]}, answers) is True
    assert conditions.evaluate({"question": "q06.r1", "answered": True}, answers) is True


def test_unanswered_grid_row_satisfies_no_comparison():
    partial = {"q06": {"r1": "a"}}

    assert conditions.evaluate({"question": "q06.r2", "equals": "a"}, partial) is False
    assert conditions.evaluate({"question": "q06.r2", "answered": False}, partial) is True
    assert conditions.evaluate({"question": "q06.r1", "equals": "a"}, {}) is False
    assert conditions.evaluate({"not": {"question": "q06.r2", "equals": "a"}}, partial) is True


@pytest.mark.parametrize(
    "comparison",
    [
        {"equals": "yes"},
        {"equals": 0},
        {"in": ["yes", "no"]},
        {"includes": "a"},
        {"gt": -1},
        {"gte": 0},
        {"lt": 1000},
        {"lte": 0},
    ],
)
@pytest.mark.parametrize("unanswered", [{}, {"q": ""}, {"q": []}, {"q": None}])
def test_unanswered_question_satisfies_no_comparison_and_its_negation_holds(comparison, unanswered):
    condition = {"question": "q", **comparison}

    assert conditions.evaluate(condition, unanswered) is False
    assert conditions.evaluate({"not": condition}, unanswered) is True


def test_referenced_questions_lists_every_reference():
    condition = {
        "all": [
            {"question": "q01", "equals": "yes"},
            {"any": [{"question": "q06.r1", "equals": "a"}, {"not": {"question": "q04", "gt": 1}}]},
        ]
    }

    assert conditions.referenced_questions(condition) == ["q01", "q06.r1", "q04"]


# --- visible / keep_visible ----------------------------------------------------------------------


def chain() -> dict:
    """q01 always; q02 if q01 = yes; q03 if q02 = yes; page 2 only if q01 = yes."""
    data = minimal()
    data["sections"][0]["questions"] = [
        question("q01_work_abroad", "yes_no"),
        question("q02_agency", "yes_no", show_if={"question": "q01_work_abroad", "equals": "yes"}),
        question(
            "q03_fee_amount", "short_text", show_if={"question": "q02_agency", "equals": "yes"}
        ),
        question("q04_after", "short_text"),
    ]
    data["sections"].append(
        {
            "code": "abroad",
            "title": t("Abroad"),
            "show_if": {"question": "q01_work_abroad", "equals": "yes"},
            "questions": [question("q05_country", "country"), question("q06_note", "long_text")],
        }
    )
    return data


def test_chain_all_visible_when_each_condition_holds():
    definition = parse_definition(chain())
    answers = {"q01_work_abroad": "yes", "q02_agency": "yes", "q03_fee_amount": "500 USD"}

    sections, questions = conditions.visible(definition, answers)

    assert sections == {"first", "abroad"}
    assert questions == {
        "q01_work_abroad",
        "q02_agency",
        "q03_fee_amount",
        "q04_after",
        "q05_country",
        "q06_note",
    }
    assert conditions.keep_visible(definition, answers) == answers


def test_no_to_the_first_question_hides_the_whole_chain_even_a_later_answered_question():
    definition = parse_definition(chain())
    answers = {
        "q01_work_abroad": "no",
        "q02_agency": "yes",  # given before q01 was changed to "no"
        "q03_fee_amount": "500 USD",
        "q04_after": "kept",
    }

    sections, questions = conditions.visible(definition, answers)

    assert "q02_agency" not in questions
    # q02's stored "yes" no longer counts, so q03 is hidden too.
    assert "q03_fee_amount" not in questions
    assert "q04_after" in questions
    assert conditions.keep_visible(definition, answers) == {
        "q01_work_abroad": "no",
        "q04_after": "kept",
    }


def test_answer_to_a_hidden_question_counts_as_no_answer_for_later_conditions():
    data = chain()
    q_of(data, "q03_fee_amount")["show_if"] = {"not": {"question": "q02_agency", "equals": "yes"}}
    definition = parse_definition(data)

    _sections, questions = conditions.visible(
        definition, {"q01_work_abroad": "no", "q02_agency": "yes"}
    )

    # q02 is hidden, so its "yes" is as if never given: "not q02 = yes" holds.
    assert "q03_fee_amount" in questions


def test_unanswered_controlling_question_hides_its_dependants():
    definition = parse_definition(chain())

    sections, questions = conditions.visible(definition, {})

    assert sections == {"first"}
    assert questions == {"q01_work_abroad", "q04_after"}


def test_section_show_if_hides_the_whole_page_and_drops_its_answers():
    definition = parse_definition(chain())
    answers = {"q01_work_abroad": "no", "q05_country": "VN", "q06_note": "text"}

    sections, questions = conditions.visible(definition, answers)

    assert "abroad" not in sections
    assert not {"q05_country", "q06_note"} & questions
    assert conditions.keep_visible(definition, answers) == {"q01_work_abroad": "no"}
    assert [s.code for s in conditions.visible_sections(definition, answers)] == ["first"]
    shown = conditions.visible_sections(definition, {"q01_work_abroad": "yes"})
    assert [s.code for s in shown] == ["first", "abroad"]


def test_question_condition_inside_a_section_with_its_own_condition():
    data = chain()
    q_of(data, "q06_note")["show_if"] = {"question": "q05_country", "equals": "VN"}
    definition = parse_definition(data)

    _s, shown = conditions.visible(definition, {"q01_work_abroad": "yes", "q05_country": "VN"})
    _s, other = conditions.visible(definition, {"q01_work_abroad": "yes", "q05_country": "TH"})
    _s, hidden = conditions.visible(definition, {"q01_work_abroad": "no", "q05_country": "VN"})

    assert "q06_note" in shown
    assert "q06_note" not in other
    assert "q06_note" not in hidden


def test_condition_on_a_grid_row_shows_a_question():
    data = minimal()
    add(data, question("q09_why", "short_text", show_if={"question": "q06_grid.r2", "equals": "c"}))
    definition = parse_definition(data)

    _s, shown = conditions.visible(definition, {"q06_grid": {"r1": "a", "r2": "c"}})
    _s, hidden = conditions.visible(definition, {"q06_grid": {"r1": "c", "r2": "a"}})

    assert "q09_why" in shown
    assert "q09_why" not in hidden


# --- is_required ---------------------------------------------------------------------------------


def test_required_if_makes_a_question_required_only_when_its_condition_holds():
    data = minimal()
    add(
        data,
        question(
            "q09_details",
            "short_text",
            required_if={"question": "q04_number", "gt": 10},
        ),
        question("q10_always", "short_text", required=True),
    )
    definition = parse_definition(data)
    details = definition.question("q09_details")
    always = definition.question("q10_always")

    assert conditions.is_required(details, {"q04_number": "11"}) is True
    assert conditions.is_required(details, {"q04_number": "10"}) is False
    assert conditions.is_required(details, {}) is False
    assert conditions.is_required(always, {}) is True
    assert conditions.is_required(definition.question("q08_text"), {}) is False
    assert details.required is False


# --- Validation of conditions --------------------------------------------------------------------


def test_condition_on_a_later_question_is_reported():
    data = minimal()
    q_of(data, "q02_single")["show_if"] = {"question": "q04_number", "gt": 3}

    error = only_error(data)

    assert "question 'q02_single' > show_if" in error
    assert "'q04_number'" in error
    assert "not an earlier question" in error


def test_condition_on_the_question_itself_is_reported():
    data = minimal()
    q_of(data, "q02_single")["show_if"] = {"question": "q02_single", "equals": "a"}

    assert "not an earlier question" in only_error(data)


def test_section_condition_on_a_question_of_the_same_section_is_reported():
    data = minimal()
    data["sections"][0]["show_if"] = {"question": "q01_yes_no", "equals": "yes"}

    error = only_error(data)

    assert "section 'first' > show_if" in error
    assert "not an earlier question" in error


def test_condition_on_an_unknown_question_is_reported():
    data = minimal()
    add(data, question("q09_x", "short_text", required_if={"question": "q99", "equals": "a"}))

    error = only_error(data)

    assert "question 'q09_x' > required_if" in error
    assert "'q99'" in error


def test_condition_inside_all_any_not_is_checked_too():
    data = minimal()
    add(
        data,
        question(
            "q09_x",
            "short_text",
            show_if={"all": [{"any": [{"not": {"question": "q98", "answered": True}}]}]},
        ),
    )

    error = only_error(data)

    assert "question 'q09_x' > show_if" in error
    assert "'q98'" in error


@pytest.mark.parametrize(
    "condition",
    [
        {"question": "q01_yes_no", "equals": "maybe"},
        {"question": "q01_yes_no", "in": ["yes", "maybe"]},
        {"question": "q03_multiple", "includes": "maybe"},
        {"question": "q06_grid.r1", "equals": "maybe"},
    ],
)
def test_condition_on_an_option_the_question_does_not_have_is_reported(condition):
    data = minimal()
    add(data, question("q09_x", "short_text", show_if=condition))

    error = only_error(data)

    assert "question 'q09_x' > show_if" in error
    assert "'maybe' is not an option of" in error


def test_includes_on_a_single_choice_question_is_reported():
    data = minimal()
    add(data, question("q09_x", "short_text", show_if={"question": "q02_single", "includes": "a"}))

    error = only_error(data)

    assert "includes is for multiple choice" in error
    assert "'q02_single'" in error


@pytest.mark.parametrize("op", ["gt", "gte", "lt", "lte"])
def test_number_comparison_on_a_choice_question_is_reported(op):
    data = minimal()
    add(data, question("q09_x", "short_text", show_if={"question": "q02_single", op: 1}))

    error = only_error(data)

    assert f"{op} compares numbers" in error
    assert "'q02_single' is single_choice" in error


def test_number_comparisons_on_number_and_percentage_questions_are_valid():
    data = minimal()
    add(
        data,
        question(
            "q09_x",
            "short_text",
            show_if={
                "any": [
                    {"question": "q04_number", "gte": 10},
                    {"question": "q05_percentage", "lt": 50.5},
                    {"question": "q04_number", "equals": 3},
                ]
            },
        ),
    )

    assert parse_definition(data).question("q09_x").show_if is not None


def test_grid_referred_to_without_a_row_is_reported():
    data = minimal()
    add(data, question("q09_x", "short_text", show_if={"question": "q06_grid", "equals": "a"}))

    error = only_error(data)

    assert "refer to one row of grid 'q06_grid'" in error


def test_unknown_grid_row_is_reported():
    data = minimal()
    add(data, question("q09_x", "short_text", show_if={"question": "q06_grid.r9", "equals": "a"}))

    error = only_error(data)

    assert "'q06_grid' has no grid row 'r9'" in error


def test_row_of_a_question_that_is_not_a_grid_is_reported():
    data = minimal()
    add(data, question("q09_x", "short_text", show_if={"question": "q02_single.r1", "equals": "a"}))

    assert "has no grid row 'r1'" in only_error(data)


def test_conditions_on_an_earlier_page_are_valid():
    data = chain()

    definition = parse_definition(data)

    assert definition.sections[1].show_if == {"question": "q01_work_abroad", "equals": "yes"}


# --- Validation of the new question types --------------------------------------------------------


def test_yes_no_option_outside_the_four_codes_is_reported():
    data = minimal()
    q_of(data, "q01_yes_no")["options"].append(option("maybe"))

    error = only_error(data)

    assert "question 'q01_yes_no' > option 'maybe'" in error
    assert "dont_know, no, prefer_not_to_say, yes" in error


def test_yes_no_without_no_is_reported():
    data = minimal()
    q_of(data, "q01_yes_no")["options"] = [
        o for o in q_of(data, "q01_yes_no")["options"] if o["code"] != "no"
    ]

    error = only_error(data)

    assert "question 'q01_yes_no' > options" in error
    assert "needs the options yes and no" in error


def test_yes_no_with_prefer_not_to_say_is_valid():
    data = minimal()
    q_of(data, "q01_yes_no")["options"].append(
        {
            "code": "prefer_not_to_say",
            "text": t("Prefer not to say"),
            "special": "prefer_not_to_say",
        }
    )

    codes = parse_definition(data).question("q01_yes_no").option_codes

    assert codes == ("yes", "no", "dont_know", "prefer_not_to_say")


def band(code: str, **limits) -> dict:
    return {"code": code, "text": t(code), **limits}


def test_valid_bands_are_parsed_and_used():
    data = minimal()
    q_of(data, "q04_number")["bands"] = [
        band("none", max=0, risk="none"),
        band("some", min=1, max=10, risk="medium"),
        band("many", min=11, risk="high"),
    ]

    number = parse_definition(data).question("q04_number")

    assert number.band_for(Decimal("0")).code == "none"
    assert number.band_for(Decimal("10")).code == "some"
    assert number.band_for(Decimal("11")).code == "many"
    # Between two bands (numbers are not required to be integers) there is none.
    assert number.band_for(Decimal("10.5")) is None


def test_overlapping_bands_are_reported():
    data = minimal()
    q_of(data, "q04_number")["bands"] = [band("low", max=10), band("high", min=10)]

    error = only_error(data)

    # Limits are inclusive: 10 would be in both bands.
    assert "question 'q04_number' > band 'high'" in error
    assert "overlaps band 'low'" in error


def test_open_ended_bands_overlap_when_both_are_open_on_the_same_side():
    data = minimal()
    q_of(data, "q04_number")["bands"] = [band("low", max=10), band("lower", max=5)]

    assert "overlaps band 'low'" in only_error(data)


def test_band_with_min_above_max_is_reported():
    data = minimal()
    q_of(data, "q04_number")["bands"] = [band("odd", min=10, max=5), band("high", min=20)]

    error = only_error(data)

    assert "question 'q04_number' > band 'odd'" in error
    assert "min is greater than max" in error


def test_number_question_with_min_above_max_is_reported():
    data = minimal()
    q_of(data, "q04_number").update(min=10, max=5)

    assert "question 'q04_number' > min: min is greater than max" in only_error(data)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("unit", t("hours")),
        ("min", 0),
        ("max", 10),
        ("integer", True),
        ("bands", [band("low", max=1), band("high", min=2)]),
    ],
)
def test_number_keys_on_a_choice_question_are_reported(key, value):
    data = minimal()
    q_of(data, "q02_single")[key] = value

    error = only_error(data)

    assert f"question 'q02_single' > {key}" in error
    assert "only number and percentage questions" in error


def test_rows_on_a_question_that_is_not_a_grid_are_reported():
    data = minimal()
    q_of(data, "q02_single")["rows"] = [{"code": "r1", "text": t("Row")}]

    error = only_error(data)

    assert "question 'q02_single' > rows" in error
    assert "only a grid question, has rows" in error


def test_grid_without_rows_is_reported():
    data = minimal()
    del q_of(data, "q06_grid")["rows"]

    error = only_error(data)

    assert "question 'q06_grid' > rows" in error


def test_grid_without_options_is_reported():
    data = minimal()
    del q_of(data, "q06_grid")["options"]

    assert "question 'q06_grid' > options: a grid question needs options" in only_error(data)


def test_duplicate_grid_row_is_reported():
    data = minimal()
    q_of(data, "q06_grid")["rows"][1]["code"] = "r1"

    assert "question 'q06_grid' > row 'r1': duplicate row code" in only_error(data)


def test_unknown_indicator_on_an_option_is_reported():
    data = minimal()
    q_of(data, "q02_single")["options"][2]["indicators"] = ["debt_bondage", "isolation"]

    error = only_error(data)

    assert "question 'q02_single' > option 'c' > indicators" in error
    assert "unknown indicator 'isolation'" in error


def test_known_indicator_on_an_option_is_kept():
    data = minimal()
    q_of(data, "q02_single")["options"][2]["indicators"] = ["debt_bondage"]

    definition = parse_definition(data)

    assert definition.question("q02_single").option("c").indicators == ("debt_bondage",)


def test_unknown_indicator_on_a_band_is_reported():
    data = minimal()
    q_of(data, "q04_number")["bands"] = [
        band("low", max=1),
        band("high", min=2, indicators=["isolation"]),
    ]

    assert "band 'high' > indicators: unknown indicator 'isolation'" in only_error(data)


def test_english_as_a_draft_language_is_reported():
    data = minimal()
    data["draft_languages"] = ["en"]

    error = only_error(data)

    assert error.startswith("draft_languages:")
    assert "'en' cannot be a draft" in error


def test_draft_language_not_in_languages_is_reported():
    data = minimal()
    data["draft_languages"] = ["vi"]

    assert "draft_languages: 'vi' is not in languages" in only_error(data)


def test_text_missing_in_a_draft_language_is_allowed_but_not_in_a_complete_one():
    data = minimal()
    data["languages"] = ["en", "ja", "vi"]
    data["draft_languages"] = ["vi"]

    errors = errors_of(data)

    # Every text lacks ja (complete): each is reported; none is reported for vi (draft).
    assert errors
    assert all("missing text for language(s) ja" in e for e in errors)
    assert not any("vi" in e.split(":")[-1] for e in errors)


def test_required_and_required_if_together_are_reported():
    data = minimal()
    add(
        data,
        question(
            "q09_x",
            "short_text",
            required=True,
            required_if={"question": "q01_yes_no", "equals": "yes"},
        ),
    )

    error = only_error(data)

    assert "question 'q09_x'" in error
    assert "either required or required_if" in error


def test_max_length_on_a_question_that_is_not_text_is_reported():
    data = minimal()
    q_of(data, "q04_number")["max_length"] = 10

    assert "question 'q04_number' > max_length" in only_error(data)


def test_text_lengths_default_by_type():
    data = minimal()
    add(data, question("q09_long", "long_text"), question("q10_old", "text"))

    definition = parse_definition(data)

    assert definition.question("q08_text").max_length == 200
    assert definition.question("q09_long").max_length == 2000
    # Format 1's "text" is read as long_text.
    assert definition.question("q10_old").type == "long_text"


def test_percentage_defaults_to_zero_to_a_hundred():
    percentage = parse_definition(minimal()).question("q05_percentage")

    assert (percentage.min, percentage.max) == (Decimal(0), Decimal(100))


def test_every_problem_is_reported_at_once():
    data = minimal()
    q_of(data, "q02_single")["show_if"] = {"question": "q04_number", "gt": 1}
    q_of(data, "q02_single")["unit"] = t("hours")
    del q_of(data, "q06_grid")["rows"]
    data["draft_languages"] = ["en"]

    errors = errors_of(data)

    assert len(errors) == 4, errors


# --- The YAML file as the format documentation shows it ------------------------------------------

SPEC_STYLE_YAML = """\
format: 1
code: spec-style
version: 1
languages: [en]
title: {en: Spec style}
topics: {recruitment: {en: Recruitment}}
sections:
  - code: recruitment
    title: {en: Recruitment}
    questions:
      - code: q01_passports
        type: yes_no
        topic: recruitment
        text: {en: "Does the company keep workers' passports?"}
        options:
          - {code: yes, text: {en: "Yes"}, risk: high}
          - {code: no, text: {en: "No"}, risk: none}
          - {code: dont_know, text: {en: "Don't know"}, special: dont_know}
      - code: q02_returned
        type: yes_no
        topic: recruitment
        show_if: {question: q01_passports, equals: yes}
        text: {en: "Are they returned on request?"}
        options:
          - {code: yes, text: {en: "Yes"}, risk: none}
          - {code: no, text: {en: "No"}, risk: high}
"""


def test_yes_no_written_unquoted_as_in_the_format_documentation_is_read_as_codes(tmp_path):
    path = tmp_path / "spec-style.yaml"
    path.write_text(SPEC_STYLE_YAML, encoding="utf-8")

    definition = parse_definition(load_file(path), source=str(path))

    assert definition.question("q01_passports").option_codes == ("yes", "no", "dont_know")
    assert definition.question("q02_returned").show_if == {
        "question": "q01_passports",
        "equals": "yes",
    }


def test_yes_no_quoted_in_yaml_is_read_as_codes(tmp_path):
    path = tmp_path / "quoted.yaml"
    path.write_text(
        SPEC_STYLE_YAML.replace("code: yes", 'code: "yes"')
        .replace("code: no", 'code: "no"')
        .replace("equals: yes", 'equals: "yes"'),
        encoding="utf-8",
    )

    definition = parse_definition(load_file(path), source=str(path))

    assert definition.question("q01_passports").option_codes == ("yes", "no", "dont_know")
