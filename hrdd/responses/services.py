from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.campaigns.models import Campaign
from hrdd.core.tokens import hash_code, new_code
from hrdd.notifications.services import email_queue
from hrdd.questionnaires.definition import Definition
from hrdd.responses.models import Answer, Response

AnswerValue = str | list[str]


def _require_open(campaign: Campaign) -> None:
    if not campaign.is_open:
        raise ValidationError(_("This campaign is not accepting answers."), code="closed")


def response_start(*, campaign: Campaign, language: str) -> tuple[Response, str]:
    """Open a new draft response and return it with its resume code (shown once, never stored).

    Starting costs nothing to the report: drafts are never counted.
    """
    _require_open(campaign)
    if language not in campaign.languages:
        language = campaign.languages[0]
    code = new_code()
    response = Response.objects.create(
        campaign=campaign, language=language, code_hash=hash_code(code)
    )
    return response, code


def response_find(*, campaign: Campaign, code: str) -> Response | None:
    """The response of this campaign that the resume code opens, if any."""
    return Response.objects.filter(campaign=campaign, code_hash=hash_code(code)).first()


def _check_answers(definition: Definition, answers: dict[str, AnswerValue]) -> None:
    """Refuse answers that do not fit the questionnaire, whoever the caller is."""
    for code, value in answers.items():
        question = definition.question(code)
        if question is None:
            raise ValidationError(_("Unknown question %(code)s.") % {"code": code})
        if question.is_text:
            if not isinstance(value, str) or len(value) > question.max_length:
                raise ValidationError(_("Invalid answer to %(code)s.") % {"code": code})
            continue
        values = value if isinstance(value, list) else [value]
        if not values or any(v not in question.option_codes for v in values):
            raise ValidationError(_("Invalid answer to %(code)s.") % {"code": code})
        if not question.is_multiple and len(values) != 1:
            raise ValidationError(_("Invalid answer to %(code)s.") % {"code": code})


@transaction.atomic
def response_save_draft(
    *, response: Response, answers: dict[str, AnswerValue], cleared: list[str] = ()
) -> Response:
    """Merge answers into the draft. Only what is given changes; nothing else is lost.

    `answers` holds valid answers to store, `cleared` codes of questions left empty.
    """
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if locked.is_submitted:
        raise ValidationError(_("This response has already been submitted."), code="submitted")
    _require_open(locked.campaign)
    definition = locked.campaign.questionnaire_version.parsed
    _check_answers(definition, answers)
    draft = dict(locked.draft)
    for code in cleared:
        draft.pop(code, None)
    draft.update(answers)
    Response.objects.filter(pk=locked.pk).update(
        draft=draft, revision=F("revision") + 1, updated_at=timezone.now()
    )
    locked.refresh_from_db()
    return locked


@transaction.atomic
def response_submit(*, response: Response) -> tuple[Response, bool]:
    """Submit the draft: its answers become Answer rows, once.

    Returns (response, created). A second call (double click, retried request, another tab)
    finds the response submitted and changes nothing: created is False.
    """
    locked = (
        Response.objects.select_for_update()
        .select_related("campaign__questionnaire_version")
        .get(pk=response.pk)
    )
    if locked.is_submitted:
        return locked, False
    campaign = locked.campaign
    _require_open(campaign)
    definition = campaign.questionnaire_version.parsed
    _check_answers(definition, locked.draft)
    missing = [q.code for q in definition.questions if q.required and not locked.draft.get(q.code)]
    if missing:
        raise ValidationError(
            _("Please answer every required question (%(codes)s).") % {"codes": ", ".join(missing)},
            code="incomplete",
        )
    # The conditional update is the claim: only one transaction can move draft -> submitted.
    claimed = Response.objects.filter(pk=locked.pk, status=Response.Status.DRAFT).update(
        status=Response.Status.SUBMITTED, submitted_at=timezone.now()
    )
    if not claimed:
        locked.refresh_from_db()
        return locked, False
    rows = []
    for question in definition.questions:
        value = locked.draft.get(question.code)
        if not value:
            continue
        if question.is_text:
            rows.append(Answer(question_code=question.code, text=value))
        else:
            for option in value if isinstance(value, list) else [value]:
                rows.append(Answer(question_code=question.code, option_code=option))
    for row in rows:
        row.response_id = locked.pk
        row.campaign_id = campaign.pk
    Answer.objects.bulk_create(rows)

    from hrdd.reports.tasks import refresh_report

    transaction.on_commit(lambda: refresh_report.enqueue(campaign_id=campaign.pk))
    locked.refresh_from_db()
    return locked, True


def response_email_resume_link(*, response: Response, code: str, email: str, language: str) -> None:
    """E-mail the supplier its resume link. The address is used for this message only:
    it is not stored with the response, so answers stay unlinked from a person."""
    if not response.campaign.is_open:
        raise ValidationError(_("This campaign is not accepting answers."), code="closed")
    email_queue(
        to=email,
        template="resume_link",
        context={"campaign": response.campaign, "code": code},
        language=language,
        contains_secret=True,
    )
