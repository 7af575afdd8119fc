"""Summary Report aggregates as rows, for CSV and XLSX (and the insights export).

Built from released content only, so exports show exactly what the page shows: the same
hidden figures, the same statements instead of figures.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from openpyxl import Workbook

from hrdd.questionnaires.definition import Definition
from hrdd.reports import policy
from hrdd.reports.presenters import _label

HEADER = ["question", "question_text", "answer", "answer_text", "count", "percent", "status"]


def cells(item: dict) -> Iterator[tuple[str, str, dict, str]]:
    """(question code, answer code, cell, status) for every figure of one released question."""
    code, status = item["code"], item["status"]
    if status == policy.DOMINANT:
        yield code, item["dominant"], {}, "three_quarters_or_more"
    elif status == policy.GRID:
        for row, result in item["rows"].items():
            yield from cells({**result, "code": f"{code}.{row}"})
    elif "options" in item:
        for option, result in item["options"].items():
            shown = result["status"]
            yield (
                code,
                option,
                result["cell"],
                ("three_quarters_or_more" if shown == policy.DOMINANT else shown),
            )
        no_answer = item["no_answer"]
        yield code, policy.NO_ANSWER, no_answer["cell"], no_answer["status"]
    elif status == policy.SHOWN:
        for option, cell in item["cells"].items():
            yield code, option, cell, "shown" if cell["count"] is not None else "hidden"
    else:
        yield code, "", {}, status


def summary_rows(*, content: dict, definition: Definition, language: str) -> Iterator[list]:
    yield HEADER
    for item in content.get("questions", []):
        code = item["code"].split(".")[0]
        question = definition.question(code)
        for stored, answer, cell, status in cells(item):
            text = question.text.get(language) if question else stored
            if question and "." in stored:
                row = next((r for r in question.rows if f"{code}.{r.code}" == stored), None)
                text = f"{text}: {row.text.get(language)}" if row else text
            label = _label(question, answer, language)[0] if question and answer else ""
            yield [stored, text, answer, label, cell.get("count"), cell.get("percent"), status]


def summary_csv(*, content: dict, definition: Definition, language: str) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in summary_rows(content=content, definition=definition, language=language):
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def summary_xlsx(*, content: dict, definition: Definition, language: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("summary")
    for row in summary_rows(content=content, definition=definition, language=language):
        sheet.append(row)
    about = book.create_sheet("about")
    about.append(["responses", content.get("response_count")])
    about.append(["minimum responses per figure", content.get("min_responses")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
