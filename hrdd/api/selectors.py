"""Reads of API keys for the owners' page."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from hrdd.api.models import ApiToken
from hrdd.core.access import get_buyer_for_member
from hrdd.organisations.models import Membership, Organisation


def get_buyer_for_owner(user, organisation_id) -> Organisation:
    """The buyer if `user` is one of its owners; other members get 403, outsiders 404.
    Keys act for the whole organisation, so only owners make and revoke them."""
    organisation = get_buyer_for_member(user, organisation_id)
    if organisation.membership.role != Membership.Role.OWNER:
        raise PermissionDenied
    return organisation


def tokens_for_organisation(*, organisation: Organisation) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(organisation=organisation).select_related(
        "created_by", "revoked_by"
    )


def get_token_for_owner(user, organisation_id, token_id) -> tuple[Organisation, ApiToken]:
    organisation = get_buyer_for_owner(user, organisation_id)
    return organisation, get_object_or_404(ApiToken, pk=token_id, organisation=organisation)
