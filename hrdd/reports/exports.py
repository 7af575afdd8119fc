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
from hrdd.reports.presenters import answer_label, group_label

HEADER = ["question", "question_text", "answer", "answer_text", "percent", "margin", "status"]
# With breakdowns declared, every row also says which group it is about ("" for all suppliers).
BREAKDOWN_HEADER = ["breakdown", "group", "group_text"]
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
        yield [stored, text, answer, label, cell.get("percent"), cell.get("margin"), status]


def summary_rows(*, content: dict, definition: Definition, language: str) -> Iterator[list]:
    """The released figures as rows; breakdown groups follow the overall rows, each group's
    size first (question "_responses"), then its figures, exactly as released."""
    breakdowns = content.get("breakdowns") or []
    extra = ["", "", ""] if breakdowns else []
    yield HEADER + (BREAKDOWN_HEADER if breakdowns else [])
    for indicator in content.get("indicators") or []:
        topic = definition.topics.get(indicator["topic"])
        shown = indicator["status"] == policy.SHOWN
        yield [
            INDICATOR,
            "",
            indicator["topic"],
            topic.get(language) if topic else indicator["topic"],
            indicator["share"] if shown else None,
            indicator["margin"],
            indicator["status"],
        ] + extra
    for item in content.get("questions", []):
        for row in _item_rows(item, definition, language):
            yield row + extra
    for breakdown in breakdowns:
        dimension = breakdown["dimension"]
        if breakdown["status"] != policy.OK:
            yield ["", "", "", "", None, None, breakdown["status"], dimension, "", ""]
            continue
        items = {q["code"]: q for q in breakdown["questions"]}
        for group in breakdown["groups"]:
            code = group["code"]
            where = [dimension, code, group_label(dimension, code)]
            yield ["_responses", "", "_count", group["response_count"], None, None, "shown", *where]
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


def summary_xlsx(*, content: dict, definition: Definition, language: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("summary")
    for row in summary_rows(content=content, definition=definition, language=language):
        sheet.append(row)
    about = book.create_sheet("about")
    about.append(["responses", content.get("response_count")])
    about.append(["minimum responses", content.get("min_responses")])
    about.append(["privacy bound per answer (epsilon)", content.get("epsilon")])
    about.append(["margins", "95 % intervals, in percentage points"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
