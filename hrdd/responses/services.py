import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.campaigns.models import Campaign
from hrdd.core.bulk import insert_instances
from hrdd.core.task_queue import task_waiting
from hrdd.core.tokens import hash_code, new_code
from hrdd.invitations.selectors import invitation_for_token
from hrdd.notifications.services import email_queue
from hrdd.questionnaires import conditions
from hrdd.questionnaires.definition import DATE, Definition, Question
from hrdd.responses.models import (
    RISK_SIGNAL_OPTION,
    RISK_SIGNAL_PREFIX,
    Answer,
    AnswerCopy,
    Response,
)
from hrdd.responses.validation import (
    AnswerValue,
    answers_valid,
    check_answers,
    missing_required,
)


def _require_open(campaign: Campaign) -> None:
    if not campaign.is_open:
        raise ValidationError(_("This campaign is not accepting answers."), code="closed")


def response_start(
    *,
    campaign: Campaign,
    language: str,
    supplier_name: str = "",
    supplier_country: str = "",
    consent: bool = False,
    supplier_industry: str = "",
    supplier_size: str = "",
    personal_link: bool = False,
) -> tuple[Response, str]:
    """Open a new draft response and return it with its resume code (shown once, never stored).

    Starting costs nothing to the report: drafts are never counted. In a disclosed campaign
    the supplier must first agree that the buyer sees its answers under its name.

    Once a campaign uses personal links, only they start responses (`personal_link`): the
    public response URL would let anyone, the buyer included, add respondents at will
    (docs/privacy.md, "Personal links and reminders"). ValidationError "personal_links".
    """
    _require_open(campaign)
    if campaign.uses_personal_links and not personal_link:
        raise ValidationError(
            _("This campaign takes answers only through personal links."), code="personal_links"
        )
    if language not in campaign.languages:
        language = campaign.languages[0]
    # From the buyer's supplier list (personal links): the declared breakdown dimensions.
    fields = {
        "supplier_country": supplier_country,
        "supplier_industry": supplier_industry,
        "supplier_size": supplier_size,
    }
    if campaign.is_disclosed:
        if not consent or not supplier_name.strip():
            raise ValidationError(
                _("To answer, give your company name and agree to share your answers."),
                code="consent",
            )
        fields.update(supplier_name=supplier_name.strip()[:200], consented_at=timezone.now())
    code = new_code()
    response = Response.objects.create(
        campaign=campaign, language=language, code_hash=hash_code(code), **fields
    )
    return response, code


def response_find(*, campaign: Campaign, code: str) -> Response | None:
    """The response of this campaign that the resume code, or a live personal link's token,
    opens, if any."""
    response = Response.objects.filter(campaign=campaign, code_hash=hash_code(code)).first()
    if response is None:
        return response_for_token(campaign=campaign, token=code)
    # Saving and submitting in the same request then use the campaign (and its
    # questionnaire definition) already loaded instead of reading them again.
    response.campaign = campaign
    return response


def response_for_token(*, campaign: Campaign, token: str) -> Response | None:
    """The response of this campaign that a live personal link's token opens, if any."""
    invitation = invitation_for_token(token=token)
    if invitation is None or invitation.campaign_id != campaign.pk:
        return None
    response = invitation.response
    if response is not None:
        response.campaign = campaign
    return response


def _locked(response: Response) -> Response:
    """The response's row read again and locked until the end of the transaction, with the
    campaign attached to `response` (read once if it was not)."""
    locked = Response.objects.select_for_update().get(pk=response.pk)
    locked.campaign = response.campaign
    return locked


def page_state(draft: dict, codes: Iterable[str]) -> str:
    """A fingerprint of the stored answers to one page's questions.

    The page carries it when shown; a save that brings an older fingerprint comes from an
    out-of-date copy of the page (another tab or device, a back button) and is refused
    rather than silently undoing answers saved since (`response_save_draft`).
    """
    data = json.dumps({code: draft.get(code) for code in sorted(codes)}, sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


@transaction.atomic
def response_save_draft(
    *,
    response: Response,
    answers: dict[str, AnswerValue],
    cleared: list[str] = (),
    language: str | None = None,
    submit: bool = False,
    page: tuple[list[str], str] | None = None,
) -> Response:
    """Merge answers into the draft. Only what is given changes; nothing else is lost.

    `answers` holds valid answers to store, `cleared` codes of questions left empty.
    With `submit` (the Submit button), the response is also submitted in the same
    transaction if no required answer is missing, as response_submit would (one conditional
    update, one commit); otherwise it stays a draft, its answers saved.
    `is_submitted` on the result tells which.

    `page` is (the codes of the page's questions, the `page_state` the page was shown
    with). If the stored answers of that page changed since and this save would change
    them again, nothing is saved: ValidationError with code "conflict". Saving again with
    the current state then keeps the new answers: the supplier decides, nothing is lost.
    """
    # Optimistic first: the response as the caller read it, saved only if its revision is
    # still the stored one (a conditional UPDATE, no locking read). If it was saved
    # meanwhile, the merge is done again on the row read under a lock, as if it had been
    # read that way from the start.
    current, locked = response, False
    while True:
        if current.is_submitted:
            raise ValidationError(_("This response has already been submitted."), code="submitted")
        _require_open(current.campaign)
        definition = current.campaign.questionnaire_version.parsed
        check_answers(definition, answers)
        draft = dict(current.draft)
        for code in cleared:
            draft.pop(code, None)
        for code, value in answers.items():
            if isinstance(value, dict) and isinstance(draft.get(code), dict):
                # A grid: rows posted now replace theirs; a row refused keeps its earlier answer.
                draft[code] = {**draft[code], **value}
            else:
                draft[code] = value
        # An answer to a question that the other answers now hide is dropped, never kept.
        draft = conditions.keep_visible(definition, draft)
        if page is not None and page[1]:
            codes, shown_with = page
            stored = page_state(current.draft, codes)
            if shown_with != stored and page_state(draft, codes) != stored:
                raise ValidationError(
                    _("The answers on this page were changed elsewhere."), code="conflict"
                )
        fields = {"draft": draft, "revision": F("revision") + 1, "updated_at": timezone.now()}
        if language and language != current.language:
            fields["language"] = language
        submitting = (
            submit and not missing_required(definition, draft) and answers_valid(definition, draft)
        )
        if submitting:
            fields.update(status=Response.Status.SUBMITTED, submitted_at=fields["updated_at"])
        # Saving and claiming the submission are one conditional update (see response_submit).
        claimed = Response.objects.filter(
            pk=current.pk, status=Response.Status.DRAFT, revision=current.revision
        ).update(**fields)
        if claimed or locked:
            break
        current, locked = _locked(response), True
    # The row was unchanged since `current` was read, or is locked: what was just written is
    # what it holds, no need to read it back.
    fields["revision"] = current.revision + 1
    for name, value in fields.items():
        setattr(current, name, value)
    if submitting and claimed:
        _write_answers(current, definition, draft)
    return current


@transaction.atomic
def response_submit(*, response: Response) -> tuple[Response, bool]:
    """Submit the draft: its answers become Answer rows, once.

    Returns (response, created). A second call (double click, retried request, another tab)
    finds the response submitted and changes nothing: created is False.
    """
    locked = _locked(response)
    if locked.is_submitted:
        return locked, False
    campaign = locked.campaign
    _require_open(campaign)
    definition = campaign.questionnaire_version.parsed
    answers = conditions.keep_visible(definition, locked.draft)
    check_answers(definition, answers)
    missing = missing_required(definition, answers)
    if missing:
        raise ValidationError(
            _("Please answer every required question (%(codes)s).")
            % {"codes": ", ".join(q.code for q in missing)},
            code="incomplete",
        )
    # The conditional update is the claim: only one transaction can move draft -> submitted.
    submitted_at = timezone.now()
    claimed = Response.objects.filter(pk=locked.pk, status=Response.Status.DRAFT).update(
        status=Response.Status.SUBMITTED, submitted_at=submitted_at
    )
    if not claimed:
        locked.refresh_from_db()
        return locked, False
    _write_answers(locked, definition, answers)
    locked.status, locked.submitted_at = Response.Status.SUBMITTED, submitted_at
    return locked, True


def _write_answers(response: Response, definition: Definition, answers: dict) -> None:
    """The Answer rows of a response just claimed as submitted, and the report refresh."""
    campaign_id = response.campaign_id
    rows = answer_rows(definition=definition, answers=answers)
    for row in rows:
        row.response_id = response.pk
        row.campaign_id = campaign_id
        # Copied so that breakdowns count answers alone (fixed once the response started).
        row.supplier_country = response.supplier_country
        row.supplier_industry = response.supplier_industry
        row.supplier_size = response.supplier_size
    insert_instances(rows, keys=False)
    transaction.on_commit(lambda: _refresh_report_soon(campaign_id))


def _refresh_report_soon(campaign_id: int) -> None:
    """Have the worker refresh the campaign's report, once for many submissions.

    Called once the submission has committed. A refresh of this campaign that is waiting
    (queued and due, not started) will read the responses after this commit, so it counts
    this one too: no second run is queued. A refresh that has started may have read before
    this commit: it does not count as waiting, and this submission queues its own.
    Checked with the database backend; other backends queue one run per submission.
    """
    from hrdd.reports.tasks import refresh_report

    if not task_waiting(refresh_report, campaign_id=campaign_id):
        refresh_report.enqueue(campaign_id=campaign_id)


def answer_rows(*, definition: Definition, answers: dict) -> list[Answer]:
    """The Answer rows a submission stores (without response and campaign): one per chosen
    option or given value, and one per topic on which the answers signal a risk."""
    rows = []
    for question in definition.questions:
        value = answers.get(question.code)
        if value:
            rows += question_answer_rows(question, value)
    topics = definition.signalled_topics((row.question_code, row.option_code) for row in rows)
    rows += [
        Answer(question_code=RISK_SIGNAL_PREFIX + topic, option_code=RISK_SIGNAL_OPTION)
        for topic in sorted(topics)
    ]
    return rows


def question_answer_rows(question: Question, value) -> list[Answer]:
    """The rows of one question's submitted answer, in language-neutral codes (one per chosen
    option); `answer_rows` adds the risk-signal rows of the whole response."""
    code = question.code
    if question.is_text:
        return [Answer(question_code=code, text=value)]
    if question.is_grid:
        return [Answer(question_code=f"{code}.{row}", option_code=o) for row, o in value.items()]
    if isinstance(value, str) and question.special_answer(value):
        # The special answer's code, where reports count options and bands; never a number.
        return [Answer(question_code=code, option_code=value)]
    if question.is_numeric:
        number = Decimal(str(value))
        band = question.band_for(number)
        return [Answer(question_code=code, number=number, option_code=band.code if band else "")]
    if question.type == DATE:
        return [Answer(question_code=code, text=value)]
    rows = [
        Answer(question_code=code, option_code=o)
        for o in (value if isinstance(value, list) else [value])
    ]
    if question.is_multiple:
        # One row without an option marks "answered", so reports count respondents with the
        # same GROUP BY as options (no COUNT(DISTINCT response) over the whole table).
        rows.append(Answer(question_code=code, option_code=""))
    return rows


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
        erase_recipient=True,
    )


# Answer once, share with many (docs/privacy.md, "Answer once"). A supplier that answered a
# questionnaire for one buyer can bring those answers into another buyer's response to the
# same questionnaire, with the code of its earlier response, which only it holds. It sees
# them filled in, changes what it likes and submits: the other campaign counts one response
# under its own guarantee. Nothing links the two responses unless the supplier shared into a
# disclosed campaign from its receipt (`response_record_copy`).


def reusable_source(*, code: str) -> Response | None:
    """The submitted response, in any campaign, that this resume code or personal-link token
    opens: the supplier's own earlier answers."""
    found = Response.objects.filter(code_hash=hash_code(code)).first()
    if found is None:
        invitation = invitation_for_token(token=code)
        found = invitation.response if invitation is not None else None
    return found if found is not None and found.is_submitted else None


def reusable_answers(*, source: Response, definition: Definition) -> dict:
    """The source's answers that are valid answers to `definition`'s questions, by code. An
    answer the other version no longer accepts (an option removed, a new limit) is left out,
    for the supplier to give again."""
    source_definition = source.campaign.questionnaire_version.parsed
    answers = conditions.keep_visible(source_definition, source.draft)
    known = {q.code for q in definition.questions}
    usable = {}
    for code, value in answers.items():
        if code not in known:
            continue
        try:
            check_answers(definition, {code: value})
        except ValidationError:
            continue
        usable[code] = value
    return conditions.keep_visible(definition, usable)


def response_reuse_answers(*, response: Response, code: str) -> int:
    """Fill the questions this draft has not answered yet with the supplier's answers from
    an earlier submitted response to the same questionnaire (opened by `code`). Returns how
    many answers were copied. Answers already given here are kept as they are.

    ValidationError "not_found" (no submitted response opens with this code), "other" (it
    answers another questionnaire), "same" (it is this response)."""
    source = reusable_source(code=code)
    if source is None:
        raise ValidationError(
            _("No submitted answers match this code. Please check it and try again."),
            code="not_found",
        )
    if source.pk == response.pk:
        raise ValidationError(_("This code is the one of these answers."), code="same")
    target_version = response.campaign.questionnaire_version
    if source.campaign.questionnaire_version.questionnaire_id != target_version.questionnaire_id:
        raise ValidationError(
            _("These answers are to another questionnaire, so they cannot be copied here."),
            code="other",
        )
    usable = reusable_answers(source=source, definition=target_version.parsed)
    new = {code: value for code, value in usable.items() if code not in response.draft}
    if new:
        response_save_draft(response=response, answers=new)
    return len(new)


def response_record_copy(*, source: Response, target: Response) -> AnswerCopy:
    """Remember that the supplier sent `source`'s answers into `target` (a disclosed
    campaign's response it submitted from its receipt), for both receipts."""
    copy, _created = AnswerCopy.objects.get_or_create(target=target, defaults={"source": source})
    return copy
