"""Summary Report aggregates as rows, for CSV and XLSX (and the insights export).

Built from released content only, so exports show exactly what the page shows: the same
hidden figures, the same statements instead of figures. Headers, statuses and labels are in
the reader's language (the active one); the code columns (question, answer, status,
breakdown, group codes) stay language-neutral beside them, so that files in different
languages line up and a program can still read them. One header row, so the CSV stays a
plain table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from hrdd import policy
from hrdd.questionnaires.definition import Definition
from hrdd.reports.presenters import answer_label, group_label

# The columns: (code, header in the reader's language). The codes name the columns in code
# and docs; the file's header row is the translated text.
COLUMNS = [
    ("question", gettext_lazy("Question code")),
    ("question_text", gettext_lazy("Question")),
    ("answer", gettext_lazy("Answer code")),
    ("answer_text", gettext_lazy("Answer")),
    ("percent", gettext_lazy("Share (%)")),
    ("margin", gettext_lazy("Margin (± points)")),
    ("status", gettext_lazy("Status code")),
    ("status_text", gettext_lazy("Status")),
]
# With breakdowns declared, every row also says which group it is about ("" for all suppliers).
BREAKDOWN_COLUMNS = [
    ("breakdown", gettext_lazy("Breakdown code")),
    ("breakdown_text", gettext_lazy("Breakdown")),
    ("group", gettext_lazy("Group code")),
    ("group_text", gettext_lazy("Group")),
]
HEADER = [code for code, _text in COLUMNS]
BREAKDOWN_HEADER = [code for code, _text in BREAKDOWN_COLUMNS]
STATUS_TEXTS = {
    policy.SHOWN: gettext_lazy("Shown"),
    policy.UNCERTAIN: gettext_lazy("Not shown yet: the margin is still too wide"),
    policy.NO_BUDGET: gettext_lazy("Not measured: the privacy budget for the year is used"),
    policy.FREE_TEXT: gettext_lazy("Free text: never shown in a summary"),
    policy.UNSUMMARISED: gettext_lazy("Not summarised"),
    policy.TOO_FEW: gettext_lazy("Too few responses"),
    policy.TOO_FEW_GROUPS: gettext_lazy("Fewer than two groups large enough to compare"),
}
DIMENSION_TEXTS = {
    "country": gettext_lazy("Supplier country"),
    "industry": gettext_lazy("Supplier industry"),
    "size": gettext_lazy("Supplier size"),
}
# The rows of the per-topic risk indicators (question "_topic_risk", answer = the topic).
INDICATOR = "_topic_risk"


def cells(item: dict) -> Iterator[tuple[str, str, dict, str]]:
    """(question code, answer code, {percent, margin}, status) for every figure of one
    released question: shares with their 95 % margin, never counts."""
    code, status = item["code"], item["status"]
    if status == policy.GRID or (status == policy.UNCERTAIN and "rows" in item):
        for row, result in item["rows"].items():
            yield from cells({**result, "code": f"{code}.{row}"})
    elif status == policy.SHOWN:
        for option, share in item["cells"].items():
            yield code, option, {"percent": share, "margin": item["margin"]}, status
    elif status == policy.UNSUMMARISED and (item.get("answers") or {}).get("status") == "shown":
        # A date or unbanded number: how many gave a value and each special answer.
        yield from cells({**item["answers"], "code": code})
    else:
        yield code, "", {"margin": item.get("margin")}, status


def _item_rows(item: dict, definition: Definition, language: str) -> Iterator[list]:
    code = item["code"].split(".")[0]
    question = definition.question(code)
    for stored, answer, cell, status in cells(item):
        text = question.text.get(language) if question else stored
        if question and "." in stored:
            row = next((r for r in question.rows if f"{code}.{r.code}" == stored), None)
            text = f"{text}: {row.text.get(language)}" if row else text
        label = answer_label(question, answer, language)[0] if question and answer else ""
        yield [
            stored,
            text,
            answer,
            label,
            cell.get("percent"),
            cell.get("margin"),
            status,
            status_text(status),
        ]


def status_text(status: str) -> str:
    """A status code in the reader's language (the code itself if it has no text)."""
    return str(STATUS_TEXTS.get(status, status))


def header() -> list[str]:
    """The header row in the reader's language, without the breakdown columns."""
    return [str(text) for _code, text in COLUMNS]


def _where(dimension: str, code: str, label: str) -> list[str]:
    return [dimension, str(DIMENSION_TEXTS.get(dimension, dimension)), code, label]


def summary_rows(
    *, content: dict, definition: Definition, language: str, code_header: bool = False
) -> Iterator[list]:
    """The header in the reader's language (the column codes with `code_header`, for
    programs reading the command line's output), then the released figures as rows;
    breakdown groups follow the overall rows, each group's size first (question
    "_responses"), then its figures, exactly as released."""
    breakdowns = content.get("breakdowns") or []
    extra = ["", "", "", ""] if breakdowns else []
    columns = COLUMNS + (BREAKDOWN_COLUMNS if breakdowns else [])
    yield [code if code_header else str(text) for code, text in columns]
    for indicator in content.get("indicators") or []:
        topic = definition.topics.get(indicator["topic"])
        shown = indicator["status"] == policy.SHOWN
        yield [
            INDICATOR,
            _("Any risk signal in this topic"),
            indicator["topic"],
            topic.get(language) if topic else indicator["topic"],
            indicator["share"] if shown else None,
            indicator["margin"],
            indicator["status"],
            status_text(indicator["status"]),
        ] + extra
    for item in content.get("questions", []):
        for row in _item_rows(item, definition, language):
            yield row + extra
    for breakdown in breakdowns:
        dimension = breakdown["dimension"]
        status = breakdown["status"]
        if status != policy.OK:
            yield [
                "",
                "",
                "",
                "",
                None,
                None,
                status,
                status_text(status),
                *_where(dimension, "", ""),
            ]
            continue
        items = {q["code"]: q for q in breakdown["questions"]}
        for group in breakdown["groups"]:
            code = group["code"]
            where = _where(dimension, code, group_label(dimension, code))
            yield [
                "_responses",
                _("Responses in this group"),
                "_count",
                group["response_count"],
                None,
                None,
                policy.SHOWN,
                status_text(policy.SHOWN),
                *where,
            ]
            for overall in content.get("questions", []):
                item = items.get(overall["code"])
                if item is None:
                    continue
                own = (item.get("groups") or {}).get(code)
                if own is None:
                    own = {"status": item["status"]}
                for row in _item_rows({**own, "code": item["code"]}, definition, language):
                    yield row + where


def summary_csv(*, content: dict, definition: Definition, language: str) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in summary_rows(content=content, definition=definition, language=language):
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


# Column widths of the summary sheet, in characters, by column code.
WIDTHS = {"question": 24, "question_text": 60, "answer": 18, "answer_text": 40, "percent": 10}
WIDTHS |= {"margin": 14, "status": 12, "status_text": 36, "breakdown": 12}
WIDTHS |= {"breakdown_text": 20, "group": 10, "group_text": 24}


def summary_xlsx(*, content: dict, definition: Definition, language: str) -> bytes:
    """The rows as a workbook a reader can use as it opens: header in bold and frozen,
    columns wide enough for their texts, shares and margins as numbers shown as "23 %" and
    "±6", texts never read as formulas; an "about" sheet says what the figures are."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
        | {"strings_to_urls": False},
    )
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    top = book.add_format({"valign": "top"})
    formats = {
        "percent": book.add_format({"num_format": '0" %"', "valign": "top"}),
        "margin": book.add_format({"num_format": '"±"0', "valign": "top"}),
        "question_text": wrap,
        "answer_text": wrap,
        "status_text": wrap,
    }
    sheet = book.add_worksheet(pgettext("spreadsheet sheet", "Summary"))
    rows = summary_rows(content=content, definition=definition, language=language)
    titles = next(rows)
    codes = (HEADER + BREAKDOWN_HEADER)[: len(titles)]
    for column, code in enumerate(codes):
        sheet.set_column(column, column, WIDTHS.get(code, 14))
    sheet.write_row(0, 0, titles, bold)
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            cell_format = formats.get(codes[column], top)
            if isinstance(value, int | float):
                sheet.write_number(number, column, value, cell_format)
            else:
                sheet.write_string(number, column, str(value), cell_format)
    about = book.add_worksheet(pgettext("spreadsheet sheet", "About these figures"))
    about.set_column(0, 0, 40)
    about.set_column(1, 1, 60)
    for number, (label, value) in enumerate(
        [
            (_("Responses"), content.get("response_count")),
            (_("Minimum responses"), content.get("min_responses")),
            (_("Privacy bound per answer (epsilon)"), content.get("epsilon")),
            (_("Margins"), _("Intervals at 95 percent confidence, in percentage points")),
        ]
    ):
        about.write_string(number, 0, str(label), bold)
        if isinstance(value, int | float):
            about.write_number(number, 1, value)
        elif value is not None:
            about.write_string(number, 1, str(value))
    book.close()
    return out.getvalue()
