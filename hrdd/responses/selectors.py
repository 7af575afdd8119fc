from django.shortcuts import get_object_or_404
from django_countries.fields import Country

from hrdd.campaigns.models import Campaign
from hrdd.questionnaires import conditions
from hrdd.questionnaires.definition import COUNTRY, DATE, PERCENTAGE, Definition
from hrdd.responses.models import Response


def get_campaign_by_slug(slug: str) -> Campaign:
    """The campaign behind a response URL, else 404. Anyone holding the URL may answer.

    Without the questionnaire's definition column (about 135 KB of JSON, decoded on every
    read): the pages use `questionnaire_version.parsed`, which the process has cached.
    """
    return get_object_or_404(
        Campaign.objects.select_related(
            "organisation", "questionnaire_version__questionnaire"
        ).defer("questionnaire_version__definition"),
        public_slug=slug,
    )


def answers_for_receipt(*, response: Response, definition: Definition, language: str) -> list:
    """The supplier's own submitted answers, as text in its language, for its receipt."""
    rows = []
    answers = conditions.keep_visible(definition, response.draft)
    for question in definition.questions:
        value = answers.get(question.code)
        rows.append(
            {
                "question": question.text.get(language),
                "answer": _as_text(question, value, language) if value else None,
            }
        )
    return rows


def _as_text(question, value, language: str) -> str:
    def option_text(code: str) -> str:
        option = question.option(code)
        return option.text.get(language) if option else code

    special = question.special_answer(value) if isinstance(value, str) else None
    if special is not None:
        return special.text.get(language)
    if question.is_text or question.type == DATE:
        return value
    if question.is_numeric:
        unit = (
            "%"
            if question.type == PERCENTAGE
            else (question.unit.get(language) if question.unit else "")
        )
        return f"{value} {unit}".strip()
    if question.type == COUNTRY:
        return Country(value).name or value
    if question.is_grid:
        rows = {r.code: r.text.get(language) for r in question.rows}
        return "\n".join(f"{rows.get(r, r)}: {option_text(o)}" for r, o in value.items())
    codes = value if isinstance(value, list) else [value]
    return ", ".join(option_text(code) for code in codes)
