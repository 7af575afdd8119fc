"""XLSForm (KoboToolbox, ODK) import and export.

What an operator relies on: a questionnaire exported as XLSForm and imported again is the same
questionnaire (texts, options, risks, conditions, languages); a form made in KoboToolbox
imports with sensible defaults; a form using anything we cannot represent is refused as a
whole, with every problem named by sheet, row and feature.
"""

import copy
import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml

from hrdd.questionnaires import definition as definition_module
from hrdd.questionnaires.definition import Definition, DefinitionError, parse_definition
from hrdd.questionnaires.xlsform import (
    XLSFormError,
    condition_to_expression,
    definition_to_xlsform,
    xlsform_to_definition,
)
from hrdd.testing.xlsform import (
    CHOICES,
    HEADER,
    KOBO_CHOICES,
    KOBO_SETTINGS,
    KOBO_SURVEY,
    SETTINGS,
    survey_with,
    workbook,
)

BUILTIN_DIR = Path(definition_module.__file__).parent / "definitions"


SMART_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def round_trip(data: dict) -> dict:
    return xlsform_to_definition(definition_to_xlsform(data))


def as_pyxform_reads(data):
    """`data` with the one change pyxform always makes to texts: curly quotes made straight
    (ODK and KoboToolbox read a form the same way)."""
    if isinstance(data, str):
        return data.translate(SMART_QUOTES)
    if isinstance(data, dict):
        return {k: as_pyxform_reads(v) for k, v in data.items()}
    if isinstance(data, list):
        return [as_pyxform_reads(v) for v in data]
    return data


def assert_same_definition(expected: Definition, actual: Definition) -> None:
    """Field by field (so a failure says where), everything except `raw`."""
    for name in (
        "code",
        "version",
        "languages",
        "draft_languages",
        "title",
        "description",
        "topics",
        "indicators",
        "indicator_framework",
        "sources",
    ):
        assert getattr(actual, name) == getattr(expected, name), name
    assert [s.code for s in actual.sections] == [s.code for s in expected.sections]
    for want, got in zip(expected.sections, actual.sections, strict=True):
        assert got.title == want.title, f"section {want.code} title"
        assert got.show_if == want.show_if, f"section {want.code} show_if"
        assert [q.code for q in got.questions] == [q.code for q in want.questions]
        for q_want, q_got in zip(want.questions, got.questions, strict=True):
            for name in q_want.__dataclass_fields__:
                assert getattr(q_got, name) == getattr(q_want, name), f"{q_want.code} > {name}"
    assert actual == expected  # and nothing else differs (Definition ignores raw)


def import_errors(content: bytes) -> list[str]:
    with pytest.raises(XLSFormError) as info:
        xlsform_to_definition(content)
    return info.value.errors


def builtin_files() -> list[Path]:
    return sorted(BUILTIN_DIR.glob("*.yaml"))


# --- Round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", builtin_files(), ids=lambda p: p.stem)
def test_builtin_definitions_round_trip(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    expected = parse_definition(as_pyxform_reads(data), source=str(path))
    actual = parse_definition(round_trip(data), source="round trip")
    assert_same_definition(expected, actual)


def test_crisis_impact_is_among_the_round_tripped_files():
    assert "crisis-impact.yaml" in [p.name for p in builtin_files()]


def text(en: str, ja: str | None = None, vi: str | None = None) -> dict:
    result = {"en": en, "ja": ja or f"{en}（日本語）"}
    if vi is not None:
        result["vi"] = vi
    return result


def option(code: str, risk: str | None = "none", **extra) -> dict:
    result = {"code": code, "text": text(code.replace("_", " ").capitalize()), **extra}
    if risk is not None and "special" not in extra:
        result["risk"] = risk
    return result


DONT_KNOW = option("dont_know", special="dont_know")


@pytest.fixture
def small() -> dict:
    """Every question type, every kind of condition, English and Japanese plus a draft
    Vietnamese translation with texts missing."""
    return {
        "format": 1,
        "code": "small-test",
        "version": 3,
        "languages": ["en", "ja", "vi"],
        "draft_languages": ["vi"],
        "title": text("Small test", vi="Thử nghiệm nhỏ"),
        "description": text("A questionnaire for tests."),  # no Vietnamese: a draft
        "sources": [{"title": "A guide", "publisher": "ILO", "year": 2020, "url": "https://x"}],
        "topics": {"general": text("General", vi="Chung"), "wages": text("Wages")},
        "indicator_framework": text("ILO indicators"),
        "indicators": {"debt_bondage": text("Debt bondage")},
        "sections": [
            {
                "code": "first",
                "title": text("First", vi="Đầu tiên"),
                "questions": [
                    {
                        "code": "q01_paid",
                        "type": "yes_no",
                        "required": True,
                        "topic": "wages",
                        "text": text("Are workers paid?", vi="Người lao động có được trả?"),
                        "help": text("Think of last month."),
                        "options": [
                            option("yes"),
                            option("no", "high", indicators=["debt_bondage"]),
                            DONT_KNOW,
                            option("prefer_not_to_say", special="prefer_not_to_say"),
                        ],
                    },
                    {
                        "code": "q02_how",
                        "type": "single_choice",
                        "topic": "wages",
                        "text": text("How?"),
                        "show_if": {"question": "q01_paid", "equals": "yes"},
                        "options": [option("cash", "low"), option("bank"), option("kind", "high")],
                    },
                    {
                        "code": "q03_deductions",
                        "type": "multiple_choice",
                        "topic": "wages",
                        "text": text("Deductions?"),
                        "show_if": {"question": "q02_how", "in": ["cash", "kind"]},
                        "options": [
                            option("housing", "medium", topics=["general"]),
                            option("food", "medium"),
                            option("none_of_these", exclusive=True),
                            DONT_KNOW,
                        ],
                    },
                    {
                        "code": "q04_hours",
                        "type": "number",
                        "integer": True,
                        "min": 0,
                        "max": 100,
                        "topic": "general",
                        "text": text("Hours?"),
                        "unit": text("hours"),
                        "show_if": {"question": "q03_deductions", "includes": "housing"},
                        "bands": [
                            {"code": "normal", "text": text("Up to 48"), "max": 48, "risk": "none"},
                            {"code": "long", "text": text("Over 48"), "min": 49, "risk": "high"},
                        ],
                    },
                    {
                        "code": "q05_share",
                        "type": "percentage",
                        "topic": "general",
                        "text": text("Share?"),
                        "required_if": {"question": "q04_hours", "gt": 10},
                    },
                    {
                        "code": "q06_name",
                        "type": "short_text",
                        "max_length": 100,
                        "topic": "general",
                        "text": text("Name?"),
                        "show_if": {"question": "q04_hours", "answered": True},
                    },
                    {
                        "code": "q07_story",
                        "type": "long_text",
                        "topic": "general",
                        "text": text("Tell us."),
                        "show_if": {
                            "all": [
                                {"question": "q01_paid", "equals": "yes"},
                                {
                                    "any": [
                                        {"question": "q04_hours", "gte": 5},
                                        {"not": {"question": "q05_share", "lt": 2.5}},
                                    ]
                                },
                            ]
                        },
                    },
                    {
                        "code": "q08_since",
                        "type": "date",
                        "topic": "general",
                        "text": text("Since when?"),
                    },
                    {
                        "code": "q09_country",
                        "type": "country",
                        "topic": "general",
                        "text": text("Where?"),
                        "show_if": {"question": "q04_hours", "answered": False},
                    },
                ],
            },
            {
                "code": "second",
                "title": text("Second"),
                # Written like "in", but an "any": must come back as an "any".
                "show_if": {
                    "any": [
                        {"question": "q01_paid", "equals": "no"},
                        {"question": "q01_paid", "equals": "dont_know"},
                    ]
                },
                "questions": [
                    {
                        "code": "q10_grid",
                        "type": "grid",
                        "required": True,
                        "topic": "general",
                        "text": text("How often?"),
                        "help": text("One answer per row."),
                        "options": [option("never"), option("sometimes", "low"), option("often")],
                        "rows": [
                            {"code": "r_housing", "text": text("Housing")},
                            {"code": "r_food", "text": text("Food", vi="Thức ăn")},
                        ],
                    },
                    {
                        "code": "q11_follow",
                        "type": "single_choice",
                        "topic": "general",
                        "text": text("Follow-up?"),
                        "show_if": {"question": "q10_grid.r_housing", "equals": "often"},
                        "required_if": {
                            "not": {"question": "q10_grid.r_food", "in": ["never", "sometimes"]}
                        },
                        "options": [option("a"), option("b")],
                    },
                    {
                        "code": "q12_amount",
                        "type": "number",
                        "min": -1.5,
                        "topic": "general",
                        "text": text("Amount?"),
                        "show_if": {
                            "any": [
                                {"all": [{"question": "q04_hours", "equals": 5}]},
                                {
                                    "all": [
                                        {"question": "q04_hours", "lte": 3},
                                        {"question": "q02_how", "equals": "bank"},
                                    ]
                                },
                                {"any": [{"question": "q06_name", "equals": "O'Brien"}]},
                            ]
                        },
                    },
                ],
            },
        ],
    }


def test_small_definition_round_trips(small):
    expected = parse_definition(small)
    actual = parse_definition(round_trip(small))
    # One-member all/any come back as their member (the same condition, written once).
    q12 = expected.question("q12_amount").show_if
    assert actual.question("q12_amount").show_if == {
        "any": [
            {"question": "q04_hours", "equals": 5},
            q12["any"][1],
            {"question": "q06_name", "equals": "O'Brien"},
        ]
    }
    small["sections"][1]["questions"][2]["show_if"] = actual.question("q12_amount").show_if
    assert_same_definition(parse_definition(small), actual)


def test_draft_language_texts_stay_missing(small):
    data = round_trip(small)
    assert data["draft_languages"] == ["vi"]
    assert "vi" not in data["description"]
    first = data["sections"][0]["questions"][0]
    assert first["text"]["vi"] == "Người lao động có được trả?"
    assert set(first["help"]) == {"en", "ja"}


def test_conditions_are_written_as_xlsform_expressions():
    assert condition_to_expression({"question": "q1", "equals": "yes"}) == "${q1} = 'yes'"
    assert condition_to_expression({"question": "q1", "equals": 5}) == "${q1} = 5"
    assert (
        condition_to_expression({"question": "q1", "in": ["a", "b"]})
        == "(${q1} = 'a' or ${q1} = 'b')"
    )
    assert condition_to_expression({"question": "q1", "includes": "x"}) == "selected(${q1}, 'x')"
    assert condition_to_expression({"question": "q1", "gte": 2.5}) == "${q1} >= 2.5"
    assert condition_to_expression({"question": "q1", "answered": True}) == "${q1} != ''"
    assert condition_to_expression({"question": "q1", "answered": False}) == "${q1} = ''"
    assert condition_to_expression({"question": "g.r1", "equals": "a"}) == "${g__r1} = 'a'"
    assert (
        condition_to_expression(
            {
                "all": [
                    {"not": {"question": "q1", "lt": 3}},
                    {"any": [{"question": "q2", "equals": "a"}, {"question": "q3", "gt": 1}]},
                ]
            }
        )
        == "not(${q1} < 3) and (${q2} = 'a' or ${q3} > 1)"
    )


# --- The exported workbook -----------------------------------------------------------------


def sheet_rows(content: bytes) -> dict[str, list[dict]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    result = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        result[sheet.title] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    return result


def test_export_uses_the_standard_sheets_and_columns():
    data = yaml.safe_load((BUILTIN_DIR / "crisis-impact.yaml").read_text(encoding="utf-8"))
    content = definition_to_xlsform(data)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["survey", "choices", "settings"]
    survey, choices, settings = book["survey"], book["choices"], book["settings"]
    assert [survey.cell(1, i).value for i in (1, 2, 3, 4)] == [
        "type",
        "name",
        "label::English (en)",
        "label::Japanese (ja)",
    ]
    assert [c.value for c in choices[1]][:3] == ["list_name", "name", "label::English (en)"]
    assert survey["A2"].value == "begin_group"
    assert survey["B2"].value == "business"
    assert survey["A3"].value == "select_one q01_business_impact"
    assert survey["C3"].value == data["sections"][0]["questions"][0]["text"]["en"]
    header = [c.value for c in survey[1]]
    assert survey.cell(3, header.index("required") + 1).value == "yes"
    assert survey.cell(3, header.index("hint::English (en)") + 1).value
    assert [choices["A2"].value, choices["B2"].value] == ["q01_business_impact", "down_30_or_more"]
    values = dict(zip([c.value for c in settings[1]], [c.value for c in settings[2]], strict=True))
    assert values["form_title"] == data["title"]["en"]
    assert values["form_id"] == "crisis-impact"
    assert values["version"] == 2
    assert values["default_language"] == "English (en)"
    assert values["hrdd_languages"] == "en ja vi th id zh-hans my ne tl pt"
    rows = sheet_rows(content)["survey"]
    comments = next(r for r in rows if r["name"] == "q11_comments")
    assert (comments["type"], comments["appearance"]) == ("text", "multiline")


def test_export_of_grids_numbers_and_conditions(small):
    sheets = sheet_rows(definition_to_xlsform(small))
    survey = {row["name"]: row for row in sheets["survey"] if row["type"] != "end_group"}
    grid = survey["q10_grid"]
    assert (grid["type"], grid["hrdd_type"], grid["appearance"]) == (
        "begin_group",
        "grid",
        "field-list",
    )
    assert survey["q10_grid__r_housing"]["type"] == "select_one q10_grid"
    assert survey["q10_grid__r_housing"]["required"] == "yes"
    assert survey["q11_follow"]["relevant"] == "${q10_grid__r_housing} = 'often'"
    assert survey["q04_hours"]["type"] == "integer"
    assert survey["q04_hours"]["constraint"] == ". >= 0 and . <= 100"
    assert survey["q05_share"]["type"] == "decimal"
    assert survey["q05_share"]["hrdd_type"] == "percentage"
    assert survey["q05_share"]["required"] == "${q04_hours} > 10"
    assert survey["q09_country"]["type"] == "select_one countries"
    assert survey["q06_name"]["hrdd_max_length"] == 100
    assert survey["second"]["relevant"] == "(${q01_paid} = 'no') or (${q01_paid} = 'dont_know')"
    # The country list is written out, so that pyxform (and ODK) can read the form.
    countries = {r["name"]: r for r in sheets["choices"] if r["list_name"] == "countries"}
    assert countries["JP"]["label::Japanese (ja)"] == "日本"
    special = next(
        r for r in sheets["choices"] if r["list_name"] == "q01_paid" and r["hrdd_special"]
    )
    assert special["hrdd_special"] == "dont_know"


# --- Import of forms made elsewhere --------------------------------------------------------


def test_import_of_a_kobo_form():
    data = xlsform_to_definition(workbook(KOBO_SURVEY, KOBO_CHOICES, KOBO_SETTINGS))
    definition = parse_definition(data)
    assert (definition.code, definition.version) == ("worker_survey-2024", 1)
    assert definition.languages == ("en",)
    assert definition.title.values == {"en": "Worker survey"}
    assert definition.topics == {"general": definition.topics["general"]}
    assert definition.topics["general"].values == {"en": "General"}
    assert [s.code for s in definition.sections] == ["about", "work", "main"]
    assert definition.sections[2].title.values == {"en": "Worker survey"}
    assert definition.sections[1].show_if == {"not": {"question": "consent", "equals": "no"}}
    consent, age, benefits = definition.sections[0].questions
    assert (consent.type, consent.required) == ("single_choice", True)
    assert [(o.code, o.risk, o.special) for o in consent.options] == [
        ("yes", "none", None),
        ("no", "none", None),
        ("dont_know", None, "dont_know"),
    ]
    assert (age.type, age.integer, age.min, age.max, age.required) == ("number", True, 16, 80, True)
    assert age.help.values == {"en": "In years"}
    assert age.show_if == {"question": "consent", "equals": "yes"}
    assert benefits.type == "multiple_choice"
    assert benefits.option("pnts").special == "prefer_not_to_say"
    assert benefits.show_if == {
        "all": [
            {"question": "consent", "equals": "yes"},
            {"any": [{"question": "age", "gte": 18}, {"question": "age", "lt": 16}]},
        ]
    }
    employer, story = definition.sections[1].questions
    assert (employer.type, employer.max_length, employer.required) == ("short_text", 200, False)
    assert story.type == "long_text"
    assert story.show_if == {
        "any": [
            {"not": {"question": "benefits", "includes": "none"}},
            {"question": "age", "answered": False},
        ]
    }
    wage = definition.question("wage")
    assert (wage.type, wage.integer, wage.min, wage.max) == ("number", False, 0, None)
    assert wage.required_if == {"question": "age", "gt": 17}
    assert {q.topic for q in definition.questions} == {"general"}


def test_import_with_a_bare_label_column_in_the_default_language():
    survey = [
        ["type", "name", "label", "label::Japanese (ja)"],
        ["select_one yn", "q1", "Agree?", "同意しますか？"],
    ]
    choices = [
        ["list_name", "name", "label", "label::Japanese (ja)"],
        ["yn", "yes", "Yes", "はい"],
        ["yn", "no", "No", "いいえ"],
    ]
    settings = [
        ["form_title", "form_id", "version", "default_language"],
        ["Short", "short", 4, "English (en)"],
    ]
    definition = parse_definition(xlsform_to_definition(workbook(survey, choices, settings)))
    assert definition.languages == ("en", "ja")
    assert definition.version == 4
    assert definition.question("q1").text.values == {"en": "Agree?", "ja": "同意しますか？"}
    # One form_title for every language; the default topic named in each.
    assert definition.title.values == {"en": "Short", "ja": "Short"}
    assert definition.topics["general"].values == {"en": "General", "ja": "一般"}


# --- Refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("xls_type", "feature"),
    [
        ("geopoint", "locations"),
        ("geoshape", "locations"),
        ("image", "file uploads"),
        ("barcode", "barcodes"),
        ("acknowledge", "acknowledgements"),
        ("time", "times"),
    ],
)
def test_unsupported_types_are_refused_with_sheet_row_and_feature(xls_type, feature):
    errors = import_errors(workbook(survey_with([xls_type, "x1", "X"]), CHOICES, SETTINGS))
    assert len(errors) == 1, errors
    assert errors[0].startswith("survey row 5 (name 'x1'): type ")
    assert "is not supported" in errors[0]
    assert feature in errors[0]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([["begin_repeat", "x1", "X"], ["text", "t", "T"], ["end_repeat"]], "repeat groups"),
        ([["select_one_from_file places.csv", "x1", "X"]], "choices from a file"),
        ([["sparkle", "x1", "X"]], "Unknown question type 'sparkle'"),
        ([["select_one missing", "x1", "X"]], "List name not in choices sheet: missing"),
        ([["text", "q1", "Again"]], "q1"),
    ],
)
def test_what_pyxform_or_we_refuse_names_the_sheet_and_row(rows, expected):
    errors = import_errors(workbook(survey_with(*rows), CHOICES, SETTINGS))
    assert len(errors) == 1, errors
    assert errors[0].startswith("survey row 5"), errors
    assert expected in errors[0]


def test_metadata_notes_and_unreferenced_calculates_are_read_and_left_out():
    survey = [
        [*HEADER, "calculation"],
        ["start", "start"],
        ["end", "end"],
        ["today", "today"],
        ["deviceid", "deviceid"],
        ["note", "intro", "Please answer for your main site."],
        ["select_one yn", "q1", "First?"],
        ["calculate", "total", None, None, None, "1 + 1"],
        ["note", "thanks", "Thank you."],
    ]
    definition = parse_definition(xlsform_to_definition(workbook(survey, CHOICES, SETTINGS)))
    assert [q.code for q in definition.questions] == ["q1"]
    # A note has no answer: it is shown with the question after it (or the last one).
    assert definition.question("q1").help.values == {
        "en": "Please answer for your main site.\n\nThank you."
    }


def test_a_calculate_other_rows_depend_on_is_refused_by_name():
    survey = [
        [*HEADER, "calculation"],
        ["calculate", "limit", None, None, None, "5"],
        ["integer", "n1", "How many?", "${limit} > 3"],
    ]
    errors = import_errors(workbook(survey, CHOICES, SETTINGS))
    assert errors[0].startswith("survey row 2 (name 'limit'): calculate 'limit' is used by 'n1'")


def test_defaults_constraints_and_a_fixed_choice_filter_are_imported():
    survey = [
        [*HEADER, "default", "choice_filter", "required"],
        ["select_one yn", "q1", "First?", None, None, "no", None, "yes"],
        ["integer", "n1", "How many?", "${q1} = 'yes'", ". >= 0 and . <= 9", "3"],
        ["select_one colours", "c1", "Pastel?", None, None, None, "pastel = 'yes'"],
        ["date", "d1", "When?", None, None, "2024-01-31"],
    ]
    choices = [
        [*CHOICES[0], "pastel"],
        *[[*row, None] for row in CHOICES[1:]],
        ["colours", "red", "Red", "no"],
        ["colours", "mauve", "Mauve", "yes"],
        ["colours", "apricot", "Apricot", "yes"],
    ]
    definition = parse_definition(xlsform_to_definition(workbook(survey, choices, SETTINGS)))
    q1, n1, c1, d1 = definition.questions
    assert (q1.default, q1.required) == ("no", True)
    assert (n1.default, n1.min, n1.max) == (3, 0, 9)
    assert n1.show_if == {"question": "q1", "equals": "yes"}
    assert c1.option_codes == ("mauve", "apricot")
    assert d1.default == "2024-01-31"


def test_a_choice_filter_on_other_answers_is_refused_by_name():
    survey = [
        [*HEADER, "choice_filter"],
        ["select_one yn", "q1", "First?"],
        ["select_one yn", "q2", "Second?", None, None, "${q1} = name"],
    ]
    errors = import_errors(workbook(survey, CHOICES, SETTINGS))
    assert errors == [
        "survey row 3 (name 'q2'): choice_filter '${q1} = name' is not supported (only a "
        "fixed filter such as `column = 'value'`; choices that depend on other answers are not)"
    ]


def test_a_loop_holding_one_select_is_a_grid():
    survey = [
        ["type", "name", "label::English (en)"],
        ["begin loop over sites", "sites_loop", "Each site"],
        ["select_one yn", "inspected", "Was %(label)s inspected?"],
        ["end loop"],
    ]
    choices = [*CHOICES, ["sites", "north", "North"], ["sites", "south", "South"]]
    definition = parse_definition(xlsform_to_definition(workbook(survey, choices, SETTINGS)))
    (grid,) = definition.questions
    assert grid.type == "grid"
    assert [r.code for r in grid.rows] == ["north", "south"]
    assert grid.option_codes == ("yes", "no")


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["integer", "n1", "N", None, ". > 5"], "constraint '. > 5' is not supported"),
        (["integer", "n1", "N", None, "regex(., '^1')"], "constraint \"regex(., '^1')\" is not"),
        (["integer", "n1", "N", None, ". >= 1 or . <= 2"], "constraint '. >= 1 or . <= 2' is not"),
        (["text", "n1", "N", None, ". != 'x'"], "only a range on a number"),
        (["text", "Bad-Name", "N"], "name 'Bad-Name' is not a valid code"),
        (["text", "n1", "N", "${q1} = 'yes' and"], "relevant \"${q1} = 'yes' and\""),
    ],
)
def test_invalid_rows_are_refused_with_their_row(row, expected):
    errors = import_errors(workbook(survey_with(row), CHOICES, SETTINGS))
    assert len(errors) == 1, errors
    assert errors[0].startswith("survey row 5"), errors
    assert expected in errors[0]


@pytest.mark.parametrize(
    "expression",
    [
        "${q1} + 1 > 2",
        "string-length(${q1}) > 3",
        "${q1} = ${q1}",
        "${g1} = 'yes'",
        "${q1} > 'many'",
        "count-selected(${q1}) > 1",
    ],
)
def test_unreadable_relevant_names_the_row_and_the_expression(expression):
    errors = import_errors(
        workbook(survey_with(["text", "t1", "T", expression]), CHOICES, SETTINGS)
    )
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"survey row 5 (name 't1'): relevant {expression!r}")
    assert "is not supported" in errors[0]


def test_every_problem_is_reported_at_once():
    survey = survey_with(
        ["geopoint", "where", "Where?"],  # row 5
        ["begin_group", "g2", "Second"],  # row 6
        ["text", "q2", "Q2", "${q1} = 'yes' and"],  # row 7: bad relevant
        ["end_group"],
    )
    survey[2] = [*survey[2], None, ". >= 1"]  # row 3: constraint on a select
    errors = import_errors(workbook(survey, CHOICES, SETTINGS))
    assert [e.split(":")[0] for e in errors] == [
        "survey row 3 (name 'q1')",
        "survey row 5 (name 'where')",
        "survey row 7 (name 'q2')",
    ]


def test_english_labels_are_required():
    survey = [["type", "name", "label::Japanese (ja)"], ["text", "q1", "名前"]]
    errors = import_errors(workbook(survey, None, SETTINGS))
    assert errors[0].startswith("survey row 1: the form has no English labels")


def test_choices_rows_are_checked():
    choices = [*CHOICES, ["yn", "1", "One"]]
    errors = import_errors(workbook(survey_with(), choices, SETTINGS))
    assert errors == [
        "choices row 4 (list 'yn', name '1'): name '1' is not a valid code (lowercase letters, "
        "digits, _ and -, starting with a letter, at most 64 characters)",
    ]


def test_settings_are_checked():
    settings = [["form_title", "form_id", "hrdd_topics"], ["T", "2024 form", "{not json"]]
    errors = import_errors(workbook(survey_with(), CHOICES, settings))
    assert errors[0].startswith("settings, hrdd_topics: not valid JSON")
    assert errors[1].startswith("settings: form_id '2024 form' must give a code")


def test_title_and_code_come_from_the_file_name_without_settings():
    """As in pyxform: no settings sheet, the file name names the form."""
    content = workbook([["type", "name", "label"], ["text", "q1", "Name?"]])
    data = xlsform_to_definition(content, filename="Site survey.xlsx")
    assert (data["code"], data["title"]) == ("site-survey", {"en": "Site survey"})


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("label::French (fr)", "fr"),
        ("label:French", "fr"),
        ("label::Français", "fr"),
        ("label::Swahili", "sw"),
        ("LABEL::Kiswahili (sw)", "sw"),
    ],
)
def test_any_language_in_either_header_spelling(header, language):
    survey = [
        ["TYPE", "Name", "label::English (en)", header],
        ["text", "q1", "Name?", "Nom ?"],
    ]
    definition = parse_definition(xlsform_to_definition(workbook(survey)))
    assert definition.question("q1").text.values == {"en": "Name?", language: "Nom ?"}


def test_a_language_with_texts_missing_is_imported_as_a_draft():
    survey = [
        ["type", "name", "label::English (en)", "label::French (fr)"],
        ["text", "q1", "Name?", "Nom ?"],
        ["text", "q2", "Town?", None],
    ]
    definition = parse_definition(xlsform_to_definition(workbook(survey)))
    assert definition.draft_languages == ("fr",)


def test_not_a_workbook():
    assert import_errors(b"type,name\ntext,q1\n")[0].startswith("the file is not an .xlsx")


def test_a_grid_needs_select_one_rows_of_one_list():
    survey = [
        [*HEADER, "hrdd_type"],
        ["begin_group", "g", "Grid", None, None, "grid"],
        ["select_one yn", "g__r1", "Row 1"],
        ["text", "g__r2", "Row 2"],
        ["end_group"],
    ]
    errors = import_errors(workbook(survey, CHOICES, SETTINGS))
    assert errors == ["survey row 4 (name 'g__r2'): a grid (group 'g') holds only select_one rows"]


def test_imported_definition_is_validated_by_the_caller():
    """Import maps; parse_definition judges (here: a condition on a later question)."""
    survey = survey_with(["text", "t1", "T", "${t2} != ''"], ["text", "t2", "T2"])
    data = xlsform_to_definition(workbook(survey, CHOICES, SETTINGS))
    with pytest.raises(DefinitionError, match="not an earlier question"):
        parse_definition(data)


def test_import_does_not_change_the_exported_data(small):
    before = copy.deepcopy(small)
    round_trip(small)
    assert small == before


def test_questions_outside_groups_and_a_grid_required_on_its_group_row():
    survey = [
        ["type", "name", "label::English (en)", "required", "hrdd_type"],
        ["integer", "main", "Main?", None, "percentage"],
        ["begin_group", "g", "Grid", "${main} > 3", "grid"],
        ["select_one yn", "g__r1", "R1"],
        ["select_one yn", "r2", "R2"],  # a row named without the grid prefix
        ["end_group"],
        ["begin_group", "s", "S"],
        ["text", "t", "T", None, None],
        ["end_group"],
        ["date", "d", "D", "yes"],
    ]
    settings = [["form_title", "form_id", "version"], ["X", "x", 2.0]]
    definition = parse_definition(xlsform_to_definition(workbook(survey, CHOICES, settings)))
    assert definition.version == 2
    # Ungrouped questions get sections of their own, named so as not to clash.
    assert [s.code for s in definition.sections] == ["main_2", "s", "main_3"]
    assert definition.sections[0].title.values == {"en": "X"}
    main, grid = definition.sections[0].questions
    assert (main.type, main.integer, main.min, main.max) == ("percentage", True, 0, 100)
    assert [r.code for r in grid.rows] == ["r1", "r2"]
    assert grid.required_if == {"question": "main", "gt": 3}
    assert definition.question("d").required


def test_grid_rows_must_agree_on_required():
    survey = [
        ["type", "name", "label::English (en)", "required", "hrdd_type"],
        ["begin_group", "g", "Grid", None, "grid"],
        ["select_one yn", "g__r1", "R1", "yes"],
        ["select_one yn", "g__r2", "R2"],
        ["end_group"],
    ]
    errors = import_errors(workbook(survey, CHOICES, SETTINGS))
    assert errors == ["survey row 2 (name 'g'): the rows of a grid must all have the same required"]


# --- Bounded reading -----------------------------------------------------------------------


def zip_bomb(rows: int, columns: int) -> bytes:
    """A valid .xlsx of a few KB whose one sheet unpacks into rows x columns cells: the kind
    of upload that once took 626 MB to read."""
    cell = "".join('<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(columns))
    sheet_rows = "".join(f"<row>{cell}</row>" for _ in range(rows))
    book = io.BytesIO()
    source = io.BytesIO(workbook([["type", "name", "label"], ["text", "q1", "Q"]]))
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(book, "w") as out:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start, end = text.index("<sheetData>"), text.index("</sheetData>")
                data = (text[: start + 11] + sheet_rows + text[end:]).encode()
            out.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return book.getvalue()


def test_a_small_file_that_unpacks_into_too_many_rows_is_refused_quickly():
    content = zip_bomb(rows=20_000, columns=3)
    assert len(content) < 60_000
    started = time.perf_counter()
    tracemalloc.start()
    errors = import_errors(content)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert errors == ["sheet 'survey' has more than 5,000 rows (the limit)"]
    assert peak < 50_000_000
    assert time.perf_counter() - started < 10


def test_a_row_wider_than_the_limit_is_refused():
    errors = import_errors(zip_bomb(rows=2, columns=500))
    assert errors == ["sheet 'survey' row 1 has more than 200 columns (the limit)"]


def test_a_workbook_unpacking_to_too_much_is_refused_before_reading():
    content = zip_bomb(rows=25_000, columns=60)  # about 60 MB of XML
    assert len(content) < 500_000
    errors = import_errors(content)
    assert errors == [
        "the workbook unpacks to more than 40 MB; an XLSForm is far smaller (is it the right file?)"
    ]
