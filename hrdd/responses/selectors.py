from django.shortcuts import get_object_or_404
from django_countries.fields import Country

from hrdd.campaigns.models import Campaign
from hrdd.core.tokens import hash_code
from hrdd.questionnaires import conditions
from hrdd.questionnaires.definition import COUNTRY, DATE, PERCENTAGE, Definition
from hrdd.responses.models import AnswerCopy, Response
from hrdd.responses.services import response_for_token

# What the supplier pages read with the campaign, without the questionnaire's definition
# column (about 135 KB of JSON, decoded on every read): they use
# `questionnaire_version.parsed`, which the process has cached.
_CAMPAIGN_RELATED = ("organisation", "questionnaire_version")
_CAMPAIGN_DEFERRED = "questionnaire_version__definition"


def get_campaign_by_slug(slug: str) -> Campaign:
    """The campaign behind a response URL, else 404. Anyone holding the URL may answer."""
    return get_object_or_404(
        Campaign.objects.select_related(*_CAMPAIGN_RELATED).defer(_CAMPAIGN_DEFERRED),
        public_slug=slug,
    )


def campaign_and_response(slug: str, code: str) -> tuple[Campaign, Response | None]:
    """The campaign behind a response URL (else 404), and the response of it that the
    resume code or a live personal link's token opens, if any.

    One query for a resume code, the most frequent case (every page a supplier saves);
    a personal link's token, or a code that opens nothing, costs two more.
    """
    response = (
        Response.objects.select_related(*(f"campaign__{name}" for name in _CAMPAIGN_RELATED))
        .defer(f"campaign__{_CAMPAIGN_DEFERRED}")
        .filter(campaign__public_slug=slug, code_hash=hash_code(code))
        .first()
    )
    if response is not None:
        return response.campaign, response
    campaign = get_campaign_by_slug(slug)
    return campaign, response_for_token(campaign=campaign, token=code)


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


def resume_page(definition: Definition, draft: dict) -> int:
    """The page a supplier coming back continues on, where it stopped: the last page it
    saved answers on while a required question there is still open, else the page after it
    (the last page at most). A new draft starts on page 1."""
    pages = conditions.visible_sections(definition, draft)
    last = 0
    for number, section in enumerate(pages, start=1):
        if any(question.code in draft for question in section.questions):
            last = number
    if not last:
        return 1
    _sections, shown = conditions.visible(definition, draft)
    open_required = [
        question
        for question in pages[last - 1].questions
        if question.code in shown
        and question.code not in draft
        and conditions.is_required(question, draft)
    ]
    return last if open_required else min(last + 1, len(pages))


def answer_recipients(*, response: Response) -> list[Response]:
    """Every submitted response that carries these answers, in the order they were sent:
    the one the supplier first submitted and each copy it shared from there into another
    buyer's disclosed campaign (with campaign and buyer loaded), for the receipt's list of
    who received them. A response never shared lists itself alone."""
    copied_from = AnswerCopy.objects.filter(target=response).values_list("source_id", flat=True)
    root_id = next(iter(copied_from), response.pk)
    related = ("campaign__organisation",)
    root = Response.objects.select_related(*related).get(pk=root_id)
    copies = (
        Response.objects.select_related(*related)
        .filter(copied_from__source_id=root_id, status=Response.Status.SUBMITTED)
        .order_by("submitted_at", "pk")
    )
    return [root, *copies]
