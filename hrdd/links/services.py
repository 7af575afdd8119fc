"""What a personal link does when the supplier follows it: start (or find) the supplier's
response for its invitation. The link pages are in views; tokens are resolved by
invitations' selectors."""

from __future__ import annotations

from django.db import transaction

from hrdd.invitations.models import Invitation
from hrdd.responses.models import Response
from hrdd.responses.services import response_start


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
