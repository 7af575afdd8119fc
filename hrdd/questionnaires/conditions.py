"""Conditions (show_if, required_if): evaluated here on the server, and by static/js/
conditions.js in the page with exactly the same rules.

A condition is data:
    {"question": "q01", "equals": "yes"}        {"question": "q02", "in": ["a", "b"]}
    {"question": "q03", "includes": "other"}    {"question": "q05", "gt": 60}  (gte, lt, lte)
    {"question": "q04", "answered": true}       {"all": [...]}  {"any": [...]}  {"not": {...}}
A grid row is referred to as "question.row". An unanswered question satisfies no comparison
(so `not` of a comparison is true when it is unanswered).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

COMPARISONS = ("equals", "in", "includes", "answered", "gt", "gte", "lt", "lte")


def referenced_questions(condition: dict) -> list[str]:
    """Every question code a condition refers to (grid rows as "question.row")."""
    if "all" in condition:
        return [q for c in condition["all"] for q in referenced_questions(c)]
    if "any" in condition:
        return [q for c in condition["any"] for q in referenced_questions(c)]
    if "not" in condition:
        return referenced_questions(condition["not"])
    return [condition["question"]]


def _value(answers: dict, ref: str) -> Any:
    if "." in ref:
        question, row = ref.split(".", 1)
        grid = answers.get(question)
        return grid.get(row) if isinstance(grid, dict) else None
    return answers.get(ref)


def _number(value: Any) -> Decimal | None:
    """The number a value stands for, read as Django's DecimalField reads a typed one (white
    space around it, "_" and any script's digits accepted), or None. Infinity and NaN are
    not numbers: the form refuses them, and NaN cannot even be compared."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def evaluate(condition: dict | None, answers: dict) -> bool:
    """Whether `condition` holds for `answers` (question code -> stored draft value)."""
    if condition is None:
        return True
    if "all" in condition:
        return all(evaluate(c, answers) for c in condition["all"])
    if "any" in condition:
        return any(evaluate(c, answers) for c in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], answers)
    value = _value(answers, condition["question"])
    if "answered" in condition:
        return (not _is_empty(value)) == bool(condition["answered"])
    if _is_empty(value):
        return False
    if "includes" in condition:
        return condition["includes"] in (value if isinstance(value, list) else [value])
    values = value if isinstance(value, list) else [value]
    if "equals" in condition:
        return any(_same(v, condition["equals"]) for v in values)
    if "in" in condition:
        return any(_same(v, target) for v in values for target in condition["in"])
    number = _number(value if not isinstance(value, list) else None)
    if number is None:
        return False
    for op, test in (
        ("gt", number.__gt__),
        ("gte", number.__ge__),
        ("lt", number.__lt__),
        ("lte", number.__le__),
    ):
        if op in condition:
            return test(Decimal(str(condition[op])))
    raise ValueError(f"unknown condition {condition!r}")


def _same(value: Any, target: Any) -> bool:
    if isinstance(target, int | float):
        number = _number(value)
        return number is not None and number == Decimal(str(target))
    return str(value) == str(target)


def visible(definition, answers: dict) -> tuple[set[str], set[str]]:
    """(visible section codes, visible question codes) for these answers.

    Evaluated in order: an answer to a hidden question counts as no answer for the
    conditions after it, exactly as if it had never been given.
    """
    effective: dict = {}
    sections: set[str] = set()
    questions: set[str] = set()
    for section in definition.sections:
        section_shown = evaluate(section.show_if, effective)
        if section_shown:
            sections.add(section.code)
        for question in section.questions:
            if section_shown and evaluate(question.show_if, effective):
                questions.add(question.code)
                if question.code in answers:
                    effective[question.code] = answers[question.code]
    return sections, questions


def is_required(question, answers: dict) -> bool:
    if question.required_if is not None:
        return evaluate(question.required_if, answers)
    return question.required


def keep_visible(definition, answers: dict) -> dict:
    """The answers with those to hidden questions removed: they are never stored or counted."""
    _sections, questions = visible(definition, answers)
    return {code: value for code, value in answers.items() if code in questions}


def visible_sections(definition, answers: dict) -> list:
    """The sections (pages) a supplier goes through with these answers, in order."""
    sections, _questions = visible(definition, answers)
    return [s for s in definition.sections if s.code in sections]


def describe(condition: dict, definition, language: str) -> str:
    """A sentence telling a supplier without JavaScript when to answer a question."""
    from django.utils.translation import gettext as _

    if set(condition) & {"question"} and ("equals" in condition or "includes" in condition):
        code, _dot, row_code = condition["question"].partition(".")
        question = definition.question(code)
        wanted = condition.get("equals", condition.get("includes"))
        option = (
            (question.option(str(wanted)) or question.special_answer(str(wanted)))
            if question
            else None
        )
        if question and option:
            asked = question.text.get(language)
            row = next((r for r in question.rows if r.code == row_code), None)
            if row is not None:
                asked = f"{asked} – {row.text.get(language)}"
            return _("Answer only if you answered “%(answer)s” to “%(question)s”.") % {
                "answer": option.text.get(language),
                "question": asked,
            }
    return _("Answer only if it applies given your earlier answers.")
