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
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import chain

from django.utils import translation
from django.utils.translation import gettext as _

from hrdd.campaigns.models import Campaign
from hrdd.core import xlsx
from hrdd.core.cells import spreadsheet_text
from hrdd.questionnaires.definition import DATE, Definition
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
        row[:5] = [str(pk), spreadsheet_text(name), country, language, submitted.isoformat()]
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
    return spreadsheet_text(text)


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(*, campaign: Campaign) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
    for row in iter_rows(campaign=campaign):
        yield writer.writerow(row)


def write_xlsx(*, campaign: Campaign, language: str) -> tempfile.SpooledTemporaryFile:
    """All answers as XLSX, written row by row to a temporary file, plus a sheet naming each
    question in the reader's language.

    The rows of the CSV (iter_rows), streamed into the zip by hrdd.core.xlsx: memory stays
    flat and the time within twice the CSV's at 100,000 responses (XlsxWriter's
    constant-memory mode, used before, took seven times: bench/README.md, "Exports").
    What a supplier typed stays text, never a formula, a link or a number; the answers to
    number and percentage questions are numbers, date answers and the submission time dates.
    """
    definition = campaign.questionnaire_version.parsed
    numeric, dates = set(), set()
    for column, code in enumerate(export_columns(definition)):
        question = definition.question(code) if "." not in code else None
        if question is not None and question.is_numeric:
            numeric.add(column)
        elif question is not None and question.type == DATE:
            dates.add(column)

    def typed(rows: Iterator[list]) -> Iterator[list]:
        for row in rows:
            row[0] = int(row[0])
            row[4] = datetime.fromisoformat(row[4]).astimezone(UTC)
            for column in numeric:
                value = row[column]
                # A number as iter_rows formats it (digits, one point, a sign), else a
                # special answer's code ("dont_know"), which stays text.
                if value and value.lstrip("-").replace(".", "", 1).isdigit():
                    row[column] = Decimal(value)
            for column in dates:
                if row[column]:
                    row[column] = date.fromisoformat(row[column])
            yield row

    rows = iter_rows(campaign=campaign)
    header = next(rows)
    with translation.override(language):
        header[:5] = [
            _("Response"),
            _("Supplier"),
            _("Country"),
            _("Language"),
            _("Submitted (UTC)"),
        ]
        questions_header = [_("Question code"), _("Question")]

    def questions() -> Iterator[list[str]]:
        yield questions_header
        for q in definition.questions:
            yield [q.code, q.text.get(language)]
            for r in q.rows:
                yield [f"{q.code}.{r.code}", f"{q.text.get(language)}: {r.text.get(language)}"]

    # Handed to FileResponse, which closes it once sent.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    xlsx.write_workbook(
        out,
        [
            xlsx.Sheet(
                "answers",
                chain([header], typed(rows)),
                widths=[10, 28, 9, 9, 20, *[18] * (len(header) - 5)],
            ),
            xlsx.Sheet("questions", questions(), widths=[34, 90]),
        ],
    )
    out.seek(0)
    return out


def csv_text(*, campaign: Campaign) -> str:
    """The CSV as one string (command line and tests on small campaigns)."""
    buffer = io.StringIO()
    for chunk in stream_csv(campaign=campaign):
        buffer.write(chunk)
    return buffer.getvalue()
