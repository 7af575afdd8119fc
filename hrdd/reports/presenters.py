"""Turn a stored release (codes and numbers allowed by the policy) into what a page shows.

Nothing here computes or reveals a figure: it only attaches labels in the reader's
language to what hrdd.reports.policy already released.
"""

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_countries.fields import Country

from hrdd.campaigns.models import Campaign
from hrdd.questionnaires.definition import COUNTRY, Question
from hrdd.reports import policy
from hrdd.reports.charts import Bar, bar_chart
from hrdd.reports.measures import measures_for_release
from hrdd.reports.models import ReportRelease

RISK_TONES = {"high": "risk-high", "medium": "risk-medium"}


def _risk_label(risk: str | None) -> str:
    return {"high": _("High risk"), "medium": _("Medium risk")}.get(risk or "", "")


def _label(question: Question, code: str, language: str) -> tuple[str, str | None, bool]:
    """(label, risk, is special answer) of one cell of a question."""
    if code == policy.NO_ANSWER:
        return _("No answer"), None, True
    special = question.special_answer(code)
    if special is not None:
        return special.text.get(language), None, True
    if code == policy.VALUE:
        return _("Gave a value"), None, False
    if code == policy.SUBSTANTIVE:
        return _("Gave an answer (the base of the percentages)"), None, False
    if question.type == COUNTRY:
        return Country(code).name or code, None, False
    if question.is_numeric:
        band = next((b for b in question.bands if b.code == code), None)
        return (band.text.get(language), band.risk, False) if band else (code, None, False)
    option = question.option(code)
    if option is None:
        return code, None, False
    return option.text.get(language), option.risk, bool(option.special)


def _row(question: Question, code: str, cell: dict, language: str, status: str) -> dict:
    label, risk, special = _label(question, code, language)
    return {
        "label": label,
        "count": cell.get("count"),
        "percent": cell.get("percent"),
        "status": status,
        "risk": _risk_label(risk),
        "tone": "muted" if special else RISK_TONES.get(risk or "", "default"),
    }


def _partition_rows(question: Question, item: dict, language: str, codes: list | None = None):
    """The shown cells of a partition as rows; with `codes`, their codes are appended to it."""
    rows = []
    for code, cell in item["cells"].items():
        # Countries no supplier named are left out, but not a special answer nobody gave.
        country = question.type == COUNTRY and code not in question.special_codes
        if cell.get("count") == 0 and (code == policy.NO_ANSWER or country):
            continue
        status = policy.SHOWN if cell.get("count") is not None else policy.WITHHELD
        rows.append(_row(question, code, cell, language, status))
        if codes is not None:
            codes.append(code)
    return rows


def _bar_note(row: dict) -> str:
    if row["status"] == policy.DOMINANT:
        return _("three quarters or more")
    if row["status"] == policy.SHOWN and row["percent"] is None:
        return _("%(count)s (no percentage)") % {"count": row["count"]}
    return ""


def _chart(title: str, rows: list[dict]):
    return bar_chart(
        title=title,
        hidden_label=_("hidden"),
        bars=[
            Bar(
                label=r["label"],
                value=r["percent"],
                tone=r["tone"] if r["status"] != policy.DOMINANT else "default",
                note=_bar_note(r),
            )
            for r in rows
        ],
    )


def _split_special(question: Question, rows: list[dict], codes: list[str]) -> tuple[list, list]:
    """(substantive rows, special rows: "don't know", "prefer not to say", no answer), for a
    question with special answers: those are counted apart, never in the chart's
    percentages."""
    apart = question.special_codes | {policy.NO_ANSWER}
    substantive = [r for r, c in zip(rows, codes, strict=True) if c not in apart]
    special = [r for r, c in zip(rows, codes, strict=True) if c in apart]
    return substantive, special


def _base_note(base: int | None) -> str:
    """Says what the percentages of a question with special answers are of."""
    if base is None:
        return _(
            "Percentages are not shown: together with the hidden figures they would reveal "
            "how many suppliers gave a hidden answer."
        )
    return _(
        "Percentages are of the %(count)s respondents who gave an answer; the answers "
        "listed separately are not included."
    ) % {"count": base}


WITHHELD_NOTE = gettext_lazy(
    "Not shown: the answers are spread over too few suppliers to show any figure "
    "without risking that one supplier's answer could be worked out."
)
DOMINANT_NOTE = gettext_lazy(
    "Exact figures are not shown because nearly all respondents gave the same answer: "
    "they would reveal what each supplier answered."
)


def _hidden_note(rows: list[dict], k: int) -> str:
    if any(r["status"] == policy.WITHHELD for r in rows):
        return _(
            "Some figures are hidden because they concern fewer than %(k)s suppliers, because "
            "they would allow a hidden figure to be recomputed, or because comparing them with "
            "an earlier release would reveal what the suppliers who answered since then said."
        ) % {"k": k}
    return ""


def _present_question(item: dict, question: Question, language: str, k: int) -> dict:
    out = {
        "code": question.code,
        "text": question.text.get(language),
        "status": item["status"],
        "multiple": question.is_multiple,
        "rows": [],
        "special_rows": [],
        "grid": [],
        "chart": None,
        "note": "",
    }
    status = item["status"]
    if status == policy.FREE_TEXT:
        out["note"] = _(
            "Free-text answers are never shown in a summary: they can name people and places."
        )
        return out
    if status == policy.UNSUMMARISED:
        out["note"] = _(
            "Exact numbers and dates are not shown in a summary: they can identify a supplier."
        )
        answers = item.get("answers")
        if answers and answers["status"] == policy.SHOWN:
            # How many gave a value and how many a special answer, figures of all responses.
            out["special_rows"] = _partition_rows(question, answers, language)
            out["note"] = " ".join(
                filter(None, [out["note"], _hidden_note(out["special_rows"], k)])
            )
        return out
    if status == policy.WITHHELD:
        out["note"] = str(WITHHELD_NOTE)
        return out
    if status == policy.DOMINANT:
        out["dominant"] = _label(question, item["dominant"], language)[0]
        out["note"] = str(DOMINANT_NOTE)
        return out
    if status == policy.GRID:
        for row in question.rows:
            result = item["rows"][row.code]
            entry = {"label": row.text.get(language), "status": result["status"], "note": ""}
            if result["status"] == policy.SHOWN:
                codes: list[str] = []
                entry["rows"] = _partition_rows(question, result, language, codes)
                entry["note"] = _hidden_note(entry["rows"], k)
                if "substantive" in result:
                    entry["rows"], entry["special_rows"] = _split_special(
                        question, entry["rows"], codes
                    )
                    entry["note"] = " ".join(
                        filter(None, [_base_note(result["substantive"]), entry["note"]])
                    )
                entry["chart"] = _chart(entry["label"], entry["rows"])
            elif result["status"] == policy.DOMINANT:
                entry["dominant"] = _label(question, result["dominant"], language)[0]
            else:
                entry["note"] = str(WITHHELD_NOTE)
            out["grid"].append(entry)
        return out
    codes: list[str] = []
    if question.is_multiple:
        for code in question.option_codes:
            result = item["options"][code]
            out["rows"].append(_row(question, code, result["cell"], language, result["status"]))
            codes.append(code)
        no_answer = item["no_answer"]
        if no_answer["status"] != policy.SHOWN or no_answer["cell"]["count"]:
            out["rows"].append(
                _row(question, policy.NO_ANSWER, no_answer["cell"], language, no_answer["status"])
            )
            codes.append(policy.NO_ANSWER)
    else:
        out["rows"] = _partition_rows(question, item, language, codes)
    notes = [_hidden_note(out["rows"], k)]
    if "substantive" in item:
        # Released with special answers apart (policy): they get their own rows, and the
        # chart's percentages are of the substantive answers only.
        out["rows"], out["special_rows"] = _split_special(question, out["rows"], codes)
        notes.insert(0, _base_note(item["substantive"]))
    if question.is_multiple:
        notes.insert(0, _("Suppliers could choose several answers."))
    out["note"] = " ".join(filter(None, notes))
    out["chart"] = _chart(out["text"], out["rows"])
    return out


def present_release(*, release: ReportRelease, campaign: Campaign) -> dict:
    return present_summary(
        content=release.content, definition=campaign.questionnaire_version.parsed
    )


def group_label(dimension: str, code: str) -> str:
    """A breakdown group's name in the active language."""
    from hrdd.organisations.models import Industry
    from hrdd.suppliers.models import SizeBand

    if code == policy.OTHER:
        return _("Other (smaller groups together)")
    if code == policy.UNKNOWN:
        return _("Not known")
    if dimension == "country":
        return Country(code).name or code
    choices = {"industry": Industry, "size": SizeBand}.get(dimension)
    if choices and code in choices.values:
        return str(choices(code).label)
    return code


DIMENSION_TITLES = {
    "country": gettext_lazy("By supplier country"),
    "industry": gettext_lazy("By supplier industry"),
    "size": gettext_lazy("By supplier size"),
}


def _breakdown_row(label, cells, columns, dominant) -> SafeString:
    """One group's row of a breakdown table, as HTML: built here rather than in the template
    because a report by country has thousands of cells and the page must stay fast."""
    head = format_html('<th scope="row">{}</th>', label)
    if dominant:
        sentence = format_html(
            _("Three quarters or more answered: <strong>{answer}</strong>"), answer=dominant
        )
        return head + format_html('<td colspan="{}">{}</td>', len(columns), sentence)
    if cells is None:
        return head + format_html(
            '<td colspan="{}"><span class="hidden-figure">{}</span></td>',
            len(columns),
            _("not shown"),
        )
    hidden = format_html('<td class="num"><span class="hidden-figure">{}</span></td>', _("hidden"))
    most = format_html('<td class="num">{}</td>', _("three quarters or more"))
    parts = [head]
    for column in columns:
        cell, status = cells.get(column, (None, policy.WITHHELD))
        if status == policy.DOMINANT:
            parts.append(most)
        elif status != policy.SHOWN or not cell or cell.get("count") is None:
            parts.append(hidden)
        else:
            # Two integers: nothing to escape.
            count, percent = int(cell["count"]), int(cell["percent"])
            parts.append(f'<td class="num">{count} <span class="muted">({percent}%)</span></td>')
    return mark_safe("".join(parts))  # noqa: S308 - escaped by format_html, or integers


def _breakdown_table(question, caption, columns, groups, labels, language, cells_of) -> dict:
    """One table of a breakdown: a row per group, a column per answer.

    `cells_of(item)` gives (status, dominant code, {column: (cell, status)}) of one group's
    item.
    """
    rows = []
    for code in groups:
        status, dominant, cells = cells_of(groups[code])
        if status == policy.DOMINANT and dominant:
            answer = _label(question, dominant, language)[0]
            rows.append(_breakdown_row(labels[code], None, columns, answer))
        elif status == policy.SHOWN:
            rows.append(_breakdown_row(labels[code], cells, columns, ""))
        else:
            rows.append(_breakdown_row(labels[code], None, columns, ""))
    return {
        "caption": caption,
        "columns": [_label(question, c, language)[0] for c in columns],
        "rows": rows,
    }


def _present_breakdown_question(question, item, overall, labels, language) -> dict:
    out = {"code": question.code, "text": question.text.get(language), "tables": [], "note": ""}
    groups = item.get("groups") or {}
    if not groups:
        out["note"] = _(
            "Not shown by group: the figures of some group could not be shown without risking "
            "that one supplier's answer could be worked out."
        )
        return out

    def partition_cells(result):
        if result["status"] != policy.SHOWN:
            return result["status"], result.get("dominant"), {}
        return policy.SHOWN, None, {c: (v, policy.SHOWN) for c, v in result["cells"].items()}

    def visible_columns(result: dict) -> list[str]:
        return [
            c
            for c, cell in (result.get("cells") or {}).items()
            if not (cell.get("count") == 0 and (c == policy.NO_ANSWER or question.type == COUNTRY))
        ]

    if question.is_grid:
        for row in question.rows:
            own = (overall.get("rows") or {}).get(row.code) or {}
            table = {g: (groups[g].get("rows") or {}).get(row.code) for g in groups}
            if own.get("status") != policy.SHOWN or not all(table.values()):
                continue
            out["tables"].append(
                _breakdown_table(
                    question,
                    row.text.get(language),
                    visible_columns(own),
                    table,
                    labels,
                    language,
                    partition_cells,
                )
            )
    elif question.is_multiple:
        columns = list(question.option_codes)
        no_answer = overall.get("no_answer") or {}
        if no_answer.get("status") != policy.SHOWN or no_answer.get("cell", {}).get("count"):
            columns.append(policy.NO_ANSWER)

        def option_cells(result):
            found = {code: (r["cell"], r["status"]) for code, r in result["options"].items()}
            found[policy.NO_ANSWER] = (result["no_answer"]["cell"], result["no_answer"]["status"])
            return policy.SHOWN, None, found

        out["tables"].append(
            _breakdown_table(question, out["text"], columns, groups, labels, language, option_cells)
        )
        out["note"] = _("Suppliers could choose several answers.")
    else:
        out["tables"].append(
            _breakdown_table(
                question,
                out["text"],
                visible_columns(overall),
                groups,
                labels,
                language,
                partition_cells,
            )
        )
    return out


def present_breakdowns(*, content: dict, definition, language: str) -> list[dict]:
    """The released breakdown tables (policy output only), labelled in `language`."""
    overall = {item["code"]: item for item in content.get("questions", [])}
    out = []
    for breakdown in content.get("breakdowns") or []:
        dimension = breakdown["dimension"]
        labels = {g["code"]: group_label(dimension, g["code"]) for g in breakdown["groups"]}
        entry = {
            "dimension": dimension,
            "title": str(DIMENSION_TITLES.get(dimension, dimension)),
            "status": breakdown["status"],
            "min_responses": breakdown["min_responses"],
            "groups": [
                {"code": g["code"], "label": labels[g["code"]], "count": g["response_count"]}
                for g in breakdown["groups"]
            ],
            "questions": [],
        }
        items = {item["code"]: item for item in breakdown.get("questions", [])}
        for question in definition.questions:
            item = items.get(question.code)
            if item is None:
                continue
            entry["questions"].append(
                _present_breakdown_question(
                    question, item, overall.get(question.code, {}), labels, language
                )
            )
        out.append(entry)
    return out


def present_summary(*, content: dict, definition) -> dict:
    """Labels, charts, notes and measures for released content, in the active language."""
    language = get_language() or "en"
    k = content["min_responses"]
    by_code = {item["code"]: item for item in content["questions"]}
    sections = []
    for section in definition.sections:
        questions = [
            _present_question(by_code[q.code], q, language, k)
            for q in section.questions
            if q.code in by_code
        ]
        sections.append({"title": section.title.get(language), "questions": questions})
    return {
        "status": content["status"],
        "response_count": content["response_count"],
        "min_responses": k,
        "sections": sections,
        "measures": measures_for_release(content=content, definition=definition, language=language),
        "breakdowns": present_breakdowns(content=content, definition=definition, language=language),
    }
