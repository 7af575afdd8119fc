"""Whether answers fit the questionnaire, whoever gives them: the supplier's pages, the
services that save and submit, the API. The forms check what a page posts for the person
answering; these checks are what the stored data is held to."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_countries import countries

from hrdd.questionnaires import conditions
from hrdd.questionnaires.definition import COUNTRY, DATE, Definition, Question

AnswerValue = str | list[str]


def _invalid(code: str) -> ValidationError:
    return ValidationError(_("Invalid answer to %(code)s.") % {"code": code})


def check_value(question: Question, value) -> None:
    """Refuse a value that does not fit the question, whoever the caller is."""
    code = question.code
    if isinstance(value, str) and question.special_answer(value):
        return  # "don't know" or "prefer not to say", where the question accepts it
    if question.is_text:
        if not isinstance(value, str) or len(value) > question.max_length:
            raise _invalid(code)
    elif question.is_grid:
        rows = {r.code for r in question.rows}
        if not isinstance(value, dict) or not value:
            raise _invalid(code)
        if any(r not in rows or o not in question.option_codes for r, o in value.items()):
            raise _invalid(code)
    elif question.is_numeric:
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise _invalid(code) from None
        if not number.is_finite() or (question.integer and number != number.to_integral()):
            raise _invalid(code)
        # What the database column holds: 14 digits before the point, 4 after.
        if abs(number) >= Decimal(10) ** 14 or number != number.quantize(Decimal("0.0001")):
            raise _invalid(code)
        if (question.min is not None and number < question.min) or (
            question.max is not None and number > question.max
        ):
            raise _invalid(code)
    elif question.type == DATE:
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            raise _invalid(code) from None
    elif question.type == COUNTRY:
        if not isinstance(value, str) or value not in countries:
            raise _invalid(code)
    else:
        values = value if isinstance(value, list) else [value]
        if not values or any(v not in question.option_codes for v in values):
            raise _invalid(code)
        if not question.is_multiple and (isinstance(value, list) or len(values) != 1):
            raise _invalid(code)
        if len(set(values)) != len(values):
            raise _invalid(code)
        exclusive = {o.code for o in question.options if o.exclusive}
        if len(values) > 1 and exclusive & set(values):
            raise _invalid(code)


def check_answers(definition: Definition, answers: dict[str, AnswerValue]) -> None:
    """Refuse answers to a question the definition does not have, or that do not fit theirs
    (ValidationError, no code)."""
    for code, value in answers.items():
        question = definition.question(code)
        if question is None:
            raise ValidationError(_("Unknown question %(code)s.") % {"code": code})
        check_value(question, value)


def answers_valid(definition: Definition, answers: dict[str, AnswerValue]) -> bool:
    """Whether `check_answers` accepts the answers."""
    try:
        check_answers(definition, answers)
    except ValidationError:
        return False
    return True


def missing_required(definition: Definition, answers: dict) -> list[Question]:
    """Visible questions that are required (or required by an earlier answer) and empty."""
    _sections, shown = conditions.visible(definition, answers)
    missing = []
    for question in definition.questions:
        if question.code in shown and conditions.is_required(question, answers):
            value = answers.get(question.code)
            if not value or (question.is_grid and len(value) < len(question.rows)):
                missing.append(question)
    return missing
