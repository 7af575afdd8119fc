"""Turn a stored release (codes and numbers allowed by the policy) into what a page shows.

Nothing here computes or reveals a figure: it only attaches labels in the reader's
language to what hrdd.reports.policy already released.
"""

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hrdd.campaigns.models import Campaign
from hrdd.questionnaires.definition import Question
from hrdd.reports import policy
from hrdd.reports.charts import Bar, bar_chart
from hrdd.reports.models import ReportRelease

RISK_TONES = {"high": "risk-high", "medium": "risk-medium"}


def _risk_label(risk: str | None) -> str:
    return {"high": _("High risk"), "medium": _("Medium risk")}.get(risk or "", "")


def _row(question: Question, code: str, cell: dict, language: str, status: str) -> dict:
    if code == policy.NO_ANSWER:
        label, risk, special = _("No answer"), None, True
    else:
        option = question.option(code)
        label, risk, special = option.text.get(language), option.risk, bool(option.special)
    return {
        "label": label,
        "count": cell.get("count"),
        "percent": cell.get("percent"),
        "status": status,
        "risk": _risk_label(risk),
        "tone": "muted" if special else RISK_TONES.get(risk or "", "default"),
    }


def _present_question(item: dict, question: Question, language: str, k: int) -> dict:
    out = {
        "code": question.code,
        "text": question.text.get(language),
        "status": item["status"],
        "multiple": question.is_multiple,
        "rows": [],
        "chart": None,
        "note": "",
    }
    if item["status"] == policy.FREE_TEXT:
        out["note"] = _(
            "Free-text answers are never shown in a summary: they can name people and places."
        )
        return out
    if item["status"] == policy.WITHHELD:
        out["note"] = _(
            "Not shown: the answers are spread over too few suppliers to show any figure "
            "without risking that one supplier's answer could be worked out."
        )
        return out
    if item["status"] == policy.DOMINANT:
        option = question.option(item["dominant"])
        out["dominant"] = option.text.get(language) if option else _("No answer")
        out["note"] = _(
            "Exact figures are not shown because nearly all respondents gave the same answer: "
            "they would reveal what each supplier answered."
        )
        return out
    if question.is_multiple:
        for code in question.option_codes:
            result = item["options"][code]
            out["rows"].append(_row(question, code, result["cell"], language, result["status"]))
        no_answer = item["no_answer"]
        if no_answer["status"] != policy.SHOWN or no_answer["cell"]["count"]:
            out["rows"].append(
                _row(question, policy.NO_ANSWER, no_answer["cell"], language, no_answer["status"])
            )
    else:
        for code, cell in item["cells"].items():
            if code == policy.NO_ANSWER and cell.get("count") == 0:
                continue
            status = policy.SHOWN if cell.get("count") is not None else policy.WITHHELD
            out["rows"].append(_row(question, code, cell, language, status))
    hidden = [r for r in out["rows"] if r["status"] == policy.WITHHELD]
    if hidden:
        out["note"] = _(
            "Some figures are hidden because they concern fewer than %(k)s suppliers, or "
            "because they would allow a hidden figure to be recomputed."
        ) % {"k": k}
    if question.is_multiple:
        out["note"] = " ".join(
            filter(None, [_("Suppliers could choose several answers."), out["note"]])
        )
    out["chart"] = bar_chart(
        title=question.text.get(language),
        hidden_label=_("hidden"),
        bars=[
            Bar(
                label=r["label"],
                value=r["percent"],
                tone=r["tone"] if r["status"] != policy.DOMINANT else "default",
                note=_("three quarters or more") if r["status"] == policy.DOMINANT else "",
            )
            for r in out["rows"]
        ],
    )
    return out


def present_release(*, release: ReportRelease, campaign: Campaign) -> dict:
    definition = campaign.questionnaire_version.parsed
    language = get_language() or "en"
    content = release.content
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
    }
