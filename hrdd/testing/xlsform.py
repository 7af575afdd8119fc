"""XLSForm workbooks (KoboToolbox, ODK) built by hand, as someone would in Excel or
KoboToolbox: a form made in KoboToolbox, and a small valid form to add wrong rows to."""

import io

import openpyxl


def workbook(survey: list[list], choices: list[list] | None = None, settings=None) -> bytes:
    """An .xlsx built by hand, as someone would in Excel or KoboToolbox (first row: header)."""
    book = openpyxl.Workbook()
    sheets = [("survey", survey), ("choices", choices), ("settings", settings)]
    book.remove(book.active)
    for title, rows in sheets:
        if rows is not None:
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# A form as KoboToolbox makes it: groups spelt both ways, relevant, constraint and required
# expressions, Kobo's own $kuid column, a form_id and a version in its own style.
KOBO_SURVEY = [
    [
        "type",
        "name",
        "label::English",
        "hint::English",
        "required",
        "relevant",
        "constraint",
        "appearance",
        "$kuid",
    ],
    ["begin_group", "about", "About you", None, None, None, None, "field-list", "k1"],
    ["select_one yn", "consent", "Do you agree to answer?", None, "true", None, None, None, "k2"],
    [
        "integer",
        "age",
        "Age",
        "In years",
        "yes",
        "${consent} = 'yes'",
        ".>=16 and .<=80",
        None,
        "k3",
    ],
    [
        "select_multiple benefits",
        "benefits",
        "Which benefits do you receive?",
        None,
        None,
        "selected(${consent}, 'yes') and (${age} >= 18 or ${age} < 16)",
        None,
        None,
        "k4",
    ],
    ["end_group", None, None, None, None, None, None, None, None],
    ["begin group", "work", "Your work", None, None, "${consent} != 'no'", None, None, None],
    ["text", "employer", "Employer", None, None, None, None, None, None],
    [
        "text",
        "story",
        "Anything else?",
        None,
        None,
        "not(selected(${benefits}, 'none')) or ${age} = ''",
        None,
        "multiline",
        None,
    ],
    ["end group", None, None, None, None, None, None, None, None],
    ["decimal", "wage", "Monthly wage", None, "${age} > 17", None, ". >= 0", None, None],
]
KOBO_CHOICES = [
    ["list_name", "name", "label::English"],
    ["yn", "yes", "Yes"],
    ["yn", "no", "No"],
    ["yn", "dont_know", "Don't know"],
    ["benefits", "housing", "Housing"],
    ["benefits", "food", "Food"],
    ["benefits", "none", "None"],
    ["benefits", "pnts", "Prefer not to say"],
]
KOBO_SETTINGS = [
    ["form_title", "form_id", "version", "default_language"],
    ["Worker survey", "Worker_Survey 2024", "2024-03 (1)", "English"],
]


# A small valid form (one group, one question) to add the rows a test is about to.
SETTINGS = [["form_title", "form_id"], ["Test", "test"]]
CHOICES = [["list_name", "name", "label::English (en)"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]
HEADER = ["type", "name", "label::English (en)", "relevant", "constraint"]


def survey_with(*rows: list) -> list[list]:
    """A valid group with one question, then `rows` (from spreadsheet row 5 on)."""
    return [
        HEADER,
        ["begin_group", "g1", "Group"],
        ["select_one yn", "q1", "First?"],
        ["end_group"],
        *rows,
    ]
