from django.shortcuts import get_object_or_404

from hrdd.campaigns.models import Campaign
from hrdd.questionnaires.definition import Definition
from hrdd.responses.models import Response


def get_campaign_by_slug(slug: str) -> Campaign:
    """The campaign behind a response URL, else 404. Anyone holding the URL may answer."""
    return get_object_or_404(
        Campaign.objects.select_related("organisation", "questionnaire_version__questionnaire"),
        public_slug=slug,
    )


def answers_for_receipt(*, response: Response, definition: Definition, language: str) -> list:
    """The supplier's own submitted answers, as text in its language, for its receipt."""
    rows = []
    for question in definition.questions:
        value = response.draft.get(question.code)
        if not value:
            shown = None
        elif question.is_text:
            shown = value
        else:
            codes = value if isinstance(value, list) else [value]
            shown = ", ".join(
                question.option(code).text.get(language) for code in codes if question.option(code)
            )
        rows.append({"question": question.text.get(language), "answer": shown})
    return rows
