"""Turn a stored release (shares and margins the policy released) into what a page shows.

Nothing here computes or reveals a figure: it only attaches labels in the reader's language
to what hrdd.policy already released, and says how precise each figure is in words.
"""

from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_countries.fields import Country

from hrdd import policy
from hrdd.campaigns.models import Campaign
from hrdd.questionnaires.definition import COUNTRY, Question
from hrdd.reports.charts import Bar, bar_chart
from hrdd.reports.measures import measures_for_release
from hrdd.reports.models import ReportRelease

RISK_TONES = {"high": "risk-high", "medium": "risk-medium"}


def _risk_label(risk: str | None) -> str:
    return {"high": _("High risk"), "medium": _("Medium risk")}.get(risk or "", "")


def answer_label(question: Question, code: str, language: str) -> tuple[str, str | None, bool]:
    """(label, risk, is special answer) of one cell of a question."""
    if code == policy.NO_ANSWER:
        return _("No answer"), None, True
    special = question.special_answer(code)
    if special is not None:
        return special.text.get(language), None, True
    if code == policy.VALUE:
        return _("Gave a value"), None, False
    if question.type == COUNTRY:
        return Country(code).name or code, None, False
    if question.is_numeric:
        band = next((b for b in question.bands if b.code == code), None)
        return (band.text.get(language), band.risk, False) if band else (code, None, False)
    option = question.option(code)
    if option is None:
        return code, None, False
    return option.text.get(language), option.risk, bool(option.special)


def about(share: int, margin: int) -> str:
    """A share with its uncertainty in words a reader understands: "about 30 % (±6)"."""
    return _("about %(share)s %% (±%(margin)s)") % {"share": share, "margin": margin}


def _rows(question: Question, result: dict, language: str) -> list[dict]:
    """The rows of one released vector: every answer, except countries nobody is estimated
    to have named and a "no answer" estimated at zero."""
    margin = result["margin"]
    rows = []
    for code, share in result["cells"].items():
        country = question.type == COUNTRY and code not in question.special_codes
        if (country or code == policy.NO_ANSWER) and share < margin:
            continue
        label, risk, special = answer_label(question, code, language)
        rows.append(
            {
                "code": code,
                "label": label,
                "share": share,
                "margin": margin,
                "text": about(share, margin),
                "risk": _risk_label(risk),
                "tone": "muted" if special else RISK_TONES.get(risk or "", "default"),
                "special": special,
            }
        )
    return rows


def _chart(title: str, rows: list[dict]):
    return bar_chart(
        title=title,
        hidden_label=_("not shown"),
        bars=[
            Bar(label=r["label"], value=r["share"], tone=r["tone"], note=f"±{r['margin']}")
            for r in rows
        ],
    )


def _uncertain_note(margin: int | None, responses: int) -> str:
    return _(
        "Not shown yet: with %(n)s responses, the noise that keeps each supplier's answer "
        "secret would make these figures uncertain by ±%(margin)s points. They are shown once "
        "there are enough responses for a margin of %(max)s points or less."
    ) % {"n": responses, "margin": margin, "max": policy.max_margin()}


NO_BUDGET_NOTE = gettext_lazy(
    "Not shown: your organisation's privacy budget for this questionnaire this year was used "
    "by an earlier campaign. Each supplier's answers are protected across all of your "
    "campaigns, so the same questions cannot be measured again until next year."
)
MARGIN_NOTE = gettext_lazy(
    "Estimates: each share is within the margin shown (± points) of the true share 19 times "
    "out of 20. Noise is added so that no supplier's answer can be worked out."
)


def _present_question(item: dict, question: Question, language: str, responses: int) -> dict:
    out = {
        "code": question.code,
        "text": question.text.get(language),
        "status": item["status"],
        "multiple": question.is_multiple,
        "rows": [],
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
    if status == policy.NO_BUDGET:
        out["note"] = str(NO_BUDGET_NOTE)
        return out
    if status == policy.UNSUMMARISED:
        notes = [
            _("Exact numbers and dates are not shown in a summary: they can identify a supplier.")
        ]
        answers = item.get("answers")
        if answers and answers["status"] == policy.SHOWN:
            out["rows"] = _rows(question, answers, language)
        elif answers:
            notes.append(_uncertain_note(answers["margin"], responses))
        out["note"] = " ".join(notes)
        return out
    if status == policy.GRID or (question.is_grid and status == policy.UNCERTAIN):
        for row in question.rows:
            result = item["rows"][row.code]
            entry = {"label": row.text.get(language), "rows": [], "note": "", "chart": None}
            if result["status"] == policy.SHOWN:
                entry["rows"] = _rows(question, result, language)
                entry["chart"] = _chart(entry["label"], entry["rows"])
            else:
                entry["note"] = _uncertain_note(result["margin"], responses)
            out["grid"].append(entry)
        return out
    if status == policy.UNCERTAIN:
        out["note"] = _uncertain_note(item["margin"], responses)
        return out
    out["rows"] = _rows(question, item, language)
    notes = []
    if question.is_multiple:
        notes.append(_("Suppliers could choose several answers."))
    out["note"] = " ".join(notes)
    out["chart"] = _chart(out["text"], out["rows"])
    return out


def present_indicators(*, content: dict, definition, language: str) -> list[dict]:
    """The per-topic risk indicators: the share of responding suppliers who gave at least
    one answer signalling a risk on the topic."""
    out = []
    for indicator in content.get("indicators") or []:
        topic = definition.topics.get(indicator["topic"])
        entry = {
            "topic": topic.get(language) if topic else indicator["topic"],
            "status": indicator["status"],
            "share": indicator["share"],
            "margin": indicator["margin"],
            "text": about(indicator["share"], indicator["margin"]),
        }
        out.append(entry)
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


def _breakdown_table(question, caption, columns, groups, labels, language, result_of) -> dict:
    """One table of a breakdown: a row per group, a column per answer, each cell "about x %
    (±m)", or one cell saying the group's figures are still too uncertain. Rows are built
    here with format_html (a report by country has thousands of cells)."""
    uncertain = _("too few responses for a precise figure")
    rows = []
    for code, item in groups.items():
        result = result_of(item)
        head = format_html('<th scope="row">{}</th>', labels[code])
        if not result or result.get("status") != policy.SHOWN:
            rows.append(
                head
                + format_html(
                    '<td colspan="{}"><span class="muted">{}</span></td>', len(columns), uncertain
                )
            )
            continue
        margin = result["margin"]
        rows.append(
            head
            + format_html_join(
                "",
                '<td class="num">{}</td>',
                ((about(result["cells"].get(c, 0), margin),) for c in columns),
            )
        )
    return {
        "caption": caption,
        "columns": [answer_label(question, c, language)[0] for c in columns],
        "rows": rows,
    }


def _columns(question: Question, overall: dict | None, codes) -> list[str]:
    """The answers a breakdown table shows: those the overall figures show (countries named
    by enough suppliers, "no answer" where it is not zero)."""
    if overall and overall.get("status") == policy.SHOWN:
        margin = overall["margin"]
        return [
            c
            for c in codes
            if not (
                (
                    c == policy.NO_ANSWER
                    or (question.type == COUNTRY and c not in question.special_codes)
                )
                and overall["cells"].get(c, 0) < margin
            )
        ]
    return [c for c in codes if question.type != COUNTRY or c in question.special_codes]


def _present_breakdown_question(question, item, overall, labels, language) -> dict:
    out = {"code": question.code, "text": question.text.get(language), "tables": [], "note": ""}
    groups = item.get("groups") or {}
    if item.get("status") == policy.UNCERTAIN or not groups:
        out["note"] = _(
            "Not shown by group yet: with the responses each group has, the figures would be "
            "too uncertain to be useful."
        )
        return out
    if item.get("status") == policy.NO_BUDGET or any(
        g.get("status") == policy.NO_BUDGET for g in groups.values()
    ):
        out["note"] = str(NO_BUDGET_NOTE)
        return out
    vectors = policy.vectors_of(question)
    if question.is_grid:
        for row in question.rows:
            cells = vectors[f"{question.code}.{row.code}"]
            own = (overall.get("rows") or {}).get(row.code)
            out["tables"].append(
                _breakdown_table(
                    question,
                    row.text.get(language),
                    _columns(question, own, cells),
                    groups,
                    labels,
                    language,
                    lambda g, row=row: (g.get("rows") or {}).get(row.code),
                )
            )
        return out
    (cells,) = vectors.values()
    out["tables"].append(
        _breakdown_table(
            question,
            out["text"],
            _columns(question, overall, cells),
            groups,
            labels,
            language,
            lambda g: g,
        )
    )
    if question.is_multiple:
        out["note"] = _("Suppliers could choose several answers.")
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
    responses = content.get("response_count") or 0
    by_code = {item["code"]: item for item in content["questions"]}
    sections = []
    for section in definition.sections:
        questions = [
            _present_question(by_code[q.code], q, language, responses)
            for q in section.questions
            if q.code in by_code
        ]
        sections.append({"title": section.title.get(language), "questions": questions})
    return {
        "status": content["status"],
        "response_count": content["response_count"],
        "min_responses": content["min_responses"],
        "max_margin": policy.max_margin(),
        "margin_note": str(MARGIN_NOTE),
        "no_budget_note": str(NO_BUDGET_NOTE),
        "sections": sections,
        "indicators": present_indicators(content=content, definition=definition, language=language),
        "measures": measures_for_release(content=content, definition=definition, language=language),
        "breakdowns": present_breakdowns(content=content, definition=definition, language=language),
    }
