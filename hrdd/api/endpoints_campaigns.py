"""Launching a campaign (its personal links) and following its invitations under /api/v1/.

Launching calls the service the page's "send personal links" button calls
(hrdd.invitations.services.campaign_invite), with the page's rules: it sends a link to every
supplier on the list not invited yet, so calling it again later invites the suppliers added
since. The invitations' figures are those of the personal-links page
(hrdd.invitations.selectors.links_overview): in a confidential campaign, delivery of the
invitations only, never who answered nor how many (hrdd.policy.response_status_access).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from hrdd import policy
from hrdd.api.endpoints import ApiView
from hrdd.api.models import Scope
from hrdd.api.problems import Conflict
from hrdd.api.serializers_campaigns import InvitationsSerializer, LaunchSerializer
from hrdd.campaigns.models import Campaign
from hrdd.campaigns.selectors import campaigns_for_organisation
from hrdd.invitations.selectors import links_overview
from hrdd.invitations.services import campaign_invite


def organisation_campaign(organisation, campaign_id: int) -> Campaign:
    """The organisation's campaign, or 404 (another buyer's is as if it did not exist)."""
    return get_object_or_404(campaigns_for_organisation(organisation=organisation), pk=campaign_id)


class CampaignLaunch(ApiView):
    """Send a personal link to every supplier on the list not invited to the campaign yet
    (all of them the first time; those added since, later), as the page's button does."""

    serializer_class = LaunchSerializer
    read_scope = None
    write_scope = Scope.CAMPAIGNS_WRITE

    @extend_schema(
        request=None,
        responses={
            200: LaunchSerializer,
            409: OpenApiResponse(
                description="The campaign is closed (code `closed`), or the supplier list "
                "is empty (code `no_suppliers`). Nothing was sent."
            ),
        },
    )
    def post(self, request, campaign_id):
        campaign = organisation_campaign(self.organisation, campaign_id)
        closed = _("This campaign is closed: no more links can be sent.")
        if campaign.state() == Campaign.State.CLOSED:
            raise Conflict(closed, code="closed")
        if links_overview(campaign=campaign)["suppliers"] == 0:
            # Sending nothing would still close the campaign's response URL to new
            # responses (links are then the only way in): refused instead.
            raise Conflict(
                _(
                    "Your supplier list is empty: add suppliers to it before sending "
                    "personal links."
                ),
                code="no_suppliers",
            )
        try:
            count = campaign_invite(campaign=campaign, by=request.auth.created_by)
        except DjangoValidationError as error:  # closed in the meantime
            raise Conflict(closed, code="closed") from error
        overview = links_overview(campaign=campaign)
        if count:
            detail = ngettext(
                "%(count)d personal link is on its way.",
                "%(count)d personal links are on their way.",
                count,
            ) % {"count": count}
        else:
            detail = _("Every supplier on your list has already been invited.")
        data = {
            "campaign_id": campaign.pk,
            "invited": count,
            "invited_total": overview["invited"],
            "not_invited": overview["not_invited"],
            "launched_at": campaign.launched_at,
            "detail": detail,
        }
        return Response(LaunchSerializer(data).data)


def invitations_data(campaign: Campaign) -> dict:
    """The personal-links page's figures (links_overview), and only those: per-supplier
    answer status never, and counts of started and submitted responses only where
    hrdd.policy.response_status_access allows (disclosed campaigns)."""
    overview = links_overview(campaign=campaign)
    visible = policy.response_status_access(campaign)
    return {
        "campaign_id": campaign.pk,
        "launched_at": campaign.launched_at,
        "suppliers": overview["suppliers"],
        "invited": overview["invited"],
        "withdrawn": overview["revoked"],
        "not_invited": overview["not_invited"],
        "delivery_includes_reminders": visible,
        "delivery": overview["delivery"],
        "supplier_status_visible": visible,
        "statuses": overview.get("statuses") if visible else None,
    }


class CampaignInvitations(ApiView):
    """The campaign's personal links in figures, as their page shows them."""

    serializer_class = InvitationsSerializer
    read_scope = Scope.CAMPAIGNS_READ

    def get(self, request, campaign_id):
        campaign = organisation_campaign(self.organisation, campaign_id)
        return Response(InvitationsSerializer(invitations_data(campaign)).data)
