"""The Detailed Report's exports: every disclosed response's answers as CSV and XLSX.

Callers check `policy.detailed_report_access` first and write an AuditEntry for every
export. Only submitted responses whose supplier agreed to disclosure are ever read here.
Exports read everything in one query, streamed, so memory stays flat at any size.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from decimal import Decimal

import xlsxwriter

from hrdd.campaigns.models import Campaign
from hrdd.questionnaires.definition import Definition
from hrdd.responses.models import Answer, Response

CHUNK = 10_000  # rows fetched per round trip by the export's streamed queries
FIXED_COLUMNS = ["response", "supplier", "country", "language", "submitted_at"]


def export_columns(definition: Definition) -> list[str]:
    columns = list(FIXED_COLUMNS)
    for q in definition.questions:
        if q.is_grid:
            columns += [f"{q.code}.{r.code}" for r in q.rows]
        else:
            columns.append(q.code)
    return columns


def _cell(value: str) -> str:
    """Text a spreadsheet would run as a formula is prefixed so it stays text."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def iter_rows(*, campaign: Campaign) -> Iterator[list[str]]:
    """The header, then one row per disclosed response.

    Two queries, both read as streams and merged on the response id (responses in id order,
    their answers in the same order): memory stays flat whatever the size, and each answer row
    carries only its own four values.
    """
    definition = campaign.questionnaire_version.parsed
    columns = export_columns(definition)
    index = {code: i for i, code in enumerate(columns)}
    width = len(columns)
    yield columns
    disclosed = Response.objects.filter(
        campaign=campaign, status=Response.Status.SUBMITTED, consented_at__isnull=False
    )
    responses = (
        disclosed.order_by("pk")
        .values_list("pk", "supplier_name", "supplier_country", "language", "submitted_at")
        .iterator(chunk_size=CHUNK)
    )
    answers = (
        Answer.objects.filter(response__in=disclosed)
        .exclude(option_code="", number=None, text="")  # "answered" markers carry nothing
        .order_by("response_id")
        .values_list("response_id", "question_code", "option_code", "number", "text")
        .iterator(chunk_size=CHUNK)
    )
    pending = next(answers, None)
    for pk, name, country, language, submitted in responses:
        row = [""] * width
        row[:5] = [str(pk), _cell(name), country, language, submitted.isoformat()]
        while pending is not None and pending[0] <= pk:
            if pending[0] == pk:
                _, question, option, number, text = pending
                slot = index.get(question)
                if slot is not None:
                    value = _value(option, number, text)
                    row[slot] = f"{row[slot]};{value}" if row[slot] else value
            pending = next(answers, None)
        yield row


def _value(option: str, number: Decimal | None, text: str) -> str:
    if number is not None:
        return format(number.normalize(), "f")
    if option:
        return option
    return _cell(text)


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(*, campaign: Campaign) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
    for row in iter_rows(campaign=campaign):
        yield writer.writerow(row)


# What a supplier typed stays text in every cell: XlsxWriter would otherwise turn text that
# looks like a formula, a number or a URL into one.
XLSX_OPTIONS = {
    "constant_memory": True,  # rows go to disk as written, strings inline: flat memory
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def write_xlsx(*, campaign: Campaign, language: str) -> tempfile.SpooledTemporaryFile:
    """All answers as XLSX, written row by row to a temporary file, plus a sheet naming each
    question in the reader's language.

    XlsxWriter in constant-memory mode: each row is written out as it comes, its strings
    inline, so memory stays flat and the time stays about twice the CSV's (openpyxl's
    write-only mode, used before, took six times: bench/README.md, "Exports").
    """
    # Handed to FileResponse, which closes it once sent.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    book = xlsxwriter.Workbook(out, XLSX_OPTIONS)
    sheet = book.add_worksheet("answers")
    sheet.freeze_panes(1, 0)  # the header row stays in view
    bold = book.add_format({"bold": True})
    rows = iter_rows(campaign=campaign)
    header = next(rows)
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 3, 9)
    sheet.set_column(4, 4, 26)
    sheet.set_column(5, len(header) - 1, 18)
    sheet.write_row(0, 0, header, bold)
    # write_string on the filled cells only: write_row would look at every value's type and
    # write empty ones too, about a third of the export's time at 100,000 responses.
    write = sheet.write_string
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value:
                write(number, column, value)
    questions = book.add_worksheet("questions")
    questions.freeze_panes(1, 0)
    questions.set_column(0, 0, 34)
    questions.set_column(1, 1, 90)
    questions.write_row(0, 0, ["code", "question"], bold)
    line = 1
    for q in campaign.questionnaire_version.parsed.questions:
        questions.write_row(line, 0, [q.code, q.text.get(language)])
        line += 1
        for r in q.rows:
            text = f"{q.text.get(language)}: {r.text.get(language)}"
            questions.write_row(line, 0, [f"{q.code}.{r.code}", text])
            line += 1
    book.close()
    out.seek(0)
    return out


def csv_text(*, campaign: Campaign) -> str:
    """The CSV as one string (command line and tests on small campaigns)."""
    buffer = io.StringIO()
    for chunk in stream_csv(campaign=campaign):
        buffer.write(chunk)
    return buffer.getvalue()
