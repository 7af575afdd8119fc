"""What a personal link does when the supplier follows it: start (or find) the supplier's
response for its invitation. The link pages are in views; tokens are resolved by
invitations' selectors."""

from __future__ import annotations

from django.db import transaction

from hrdd.invitations.models import Invitation
from hrdd.invitations.selectors import shareable_invitations
from hrdd.responses.models import Response
from hrdd.responses.services import (
    response_record_copy,
    response_save_draft,
    response_start,
    reusable_answers,
)


@transaction.atomic
def invitation_start_response(
    *, invitation: Invitation, language: str, consent: bool = False, supplier_name: str = ""
):
    """The supplier's response for this invitation: its existing one, or a new draft that
    carries the supplier-list dimensions a campaign may break its report down by.

    Idempotent: a doubled request finds the response the first one created.
    """
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.response_id:
        return Response.objects.get(pk=locked.response_id)
    supplier = invitation.supplier
    response, _code = response_start(
        campaign=invitation.campaign,
        personal_link=True,
        language=language,
        # In a disclosed campaign the supplier confirms (or corrects) its name when agreeing.
        supplier_name=supplier_name or supplier.name,
        supplier_country=str(supplier.country),
        consent=consent,
        supplier_industry=supplier.industry,
        supplier_size=supplier.size_band,
    )
    Invitation.objects.filter(pk=locked.pk).update(response=response)
    return response


@transaction.atomic
def share_answers(
    *, response: Response, invitation_ids: list[int]
) -> list[tuple[Invitation, Response]]:
    """Send the answers of the submitted `response` to the buyers whose invitations the
    supplier chose on its receipt (only those `shareable_invitations` offers: the same
    address, an open disclosed campaign on the same questionnaire, not answered yet).

    For each, the supplier's response to that invitation is started (under the name it
    agreed to share with when it answered first) or its draft reused, filled with the
    answers that campaign's version accepts, and submitted. Where that version asks
    something the first one did not, the response stays a draft for the supplier to finish:
    nothing is submitted in its name that it did not answer. Returns (invitation, response)
    for each chosen invitation, in the order offered."""
    chosen = set(invitation_ids)
    results = []
    for invitation in shareable_invitations(response=response):
        if invitation.pk not in chosen:
            continue
        campaign = invitation.campaign
        language = response.language if response.language in campaign.languages else ""
        target = invitation_start_response(
            invitation=invitation,
            language=language or campaign.languages[0],
            consent=True,
            supplier_name=response.supplier_name,
        )
        target.campaign = campaign
        answers = reusable_answers(
            source=response, definition=campaign.questionnaire_version.parsed
        )
        target = response_save_draft(response=target, answers=answers, submit=True)
        if target.is_submitted:
            response_record_copy(source=response, target=target)
        results.append((invitation, target))
    return results
