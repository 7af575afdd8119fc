"""Launching a campaign (its personal links), following its invitations, and the Detailed
Report of a disclosed campaign, under /api/v1/.

Launching calls the service the page's "send personal links" button calls
(hrdd.invitations.services.campaign_invite), with the page's rules: it sends a link to every
supplier on the list not invited yet, so calling it again later invites the suppliers added
since. The invitations' figures are those of the personal-links page
(hrdd.invitations.selectors.links_overview): in a confidential campaign, delivery of the
invitations only, never who answered nor how many (hrdd.policy.response_status_access).
The Detailed Report gives what its pages show (hrdd.detailed's selectors), only where
hrdd.policy.detailed_report_access allows, and every read is written to its audit log.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics
from rest_framework.response import Response

from hrdd import policy
from hrdd.api.endpoints import ApiView, Pages
from hrdd.api.models import Scope
from hrdd.api.problems import Conflict
from hrdd.api.serializers_campaigns import (
    DetailedResponseSerializer,
    DetailedSupplierSerializer,
    InvitationsSerializer,
    LaunchSerializer,
)
from hrdd.campaigns.models import Campaign
from hrdd.campaigns.selectors import campaigns_for_organisation
from hrdd.detailed.models import AuditEntry
from hrdd.detailed.selectors import disclosed_responses, risk_flags
from hrdd.detailed.services import audit
from hrdd.invitations.selectors import links_overview
from hrdd.invitations.services import campaign_invite
from hrdd.responses.selectors import answers_for_receipt


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


# --- Detailed Report ------------------------------------------------------------------------


def detailed_campaign(request, campaign_id: int) -> Campaign:
    """The campaign if its Detailed Report may be read with this key, as the pages decide
    (hrdd.policy.detailed_report_access): a confidential campaign has none (404, as on the
    page), a disclosed one off the paid plan is refused (403, code `needs_paid_plan`).
    Every read is audited under the person who made the key: a key whose maker no longer
    has an account cannot read it."""
    campaign = organisation_campaign(request.user.organisation, campaign_id)
    access = policy.detailed_report_access(campaign)
    if access == policy.DETAILED_CONFIDENTIAL:
        raise exceptions.NotFound()
    if access == policy.DETAILED_NEEDS_PLAN:
        raise exceptions.PermissionDenied(
            _(
                "Per-supplier reports are part of the paid plan. Ask the program operator "
                "to change your plan."
            ),
            code="needs_paid_plan",
        )
    if request.auth.created_by is None:
        raise exceptions.PermissionDenied(
            _(
                "Every read of suppliers' answers is recorded in the audit log under the "
                "person who made the key, and this key's maker no longer has an account: "
                "make a new key."
            ),
            code="no_auditable_user",
        )
    return campaign


def _text(texts: dict, language: str, fallback: str = "") -> str:
    return texts.get(language) or texts.get("en") or fallback


DETAILED_REFUSALS = {
    403: OpenApiResponse(
        description="The key lacks the scope, the buyer is not on the paid plan (code "
        "`needs_paid_plan`), or the key's maker no longer has an account (code "
        "`no_auditable_user`)."
    ),
    404: OpenApiResponse(
        description="Not found, not this organisation's, or a confidential campaign (which "
        "has no Detailed Report)."
    ),
}


class DetailedSupplierList(ApiView, generics.ListAPIView):
    """The suppliers of a disclosed campaign that agreed to share their answers with the
    buyer and submitted them, with the highest risk their answers signal per topic (the
    Detailed Report's table), 100 a page (cursor). Each page read is audited."""

    serializer_class = DetailedSupplierSerializer
    pagination_class = Pages
    read_scope = Scope.DETAILED_READ

    def get_queryset(self):
        self.campaign = detailed_campaign(self.request, self.kwargs["campaign_id"])
        return disclosed_responses(campaign=self.campaign)

    @extend_schema(responses={200: DetailedSupplierSerializer(many=True), **DETAILED_REFUSALS})
    def get(self, request, campaign_id):
        page = self.paginate_queryset(self.get_queryset())
        campaign = self.campaign
        flags = risk_flags(campaign=campaign, responses=page)
        language = get_language() or "en"
        topics = list(campaign.questionnaire_version.parsed.topics.items())
        audit(
            campaign=campaign, user=request.auth.created_by, action=AuditEntry.Action.SUPPLIER_LIST
        )
        data = [
            {
                "id": response.pk,
                "supplier_name": response.supplier_name,
                "supplier_country": response.supplier_country,
                "submitted_at": response.submitted_at,
                "risks": [
                    {
                        "topic": code,
                        "label": _text(texts, language, code),
                        "level": flags[response.pk].get(code, ""),
                    }
                    for code, texts in topics
                ],
            }
            for response in page
        ]
        return self.get_paginated_response(DetailedSupplierSerializer(data, many=True).data)


class DetailedResponse(ApiView):
    """One supplier's answers, in the language of Accept-Language, as the Detailed Report's
    supplier page shows them. Each read is audited."""

    serializer_class = DetailedResponseSerializer
    read_scope = Scope.DETAILED_READ

    @extend_schema(responses={200: DetailedResponseSerializer, **DETAILED_REFUSALS})
    def get(self, request, campaign_id, response_id):
        campaign = detailed_campaign(request, campaign_id)
        response = get_object_or_404(disclosed_responses(campaign=campaign), pk=response_id)
        language = get_language() or "en"
        audit(
            campaign=campaign,
            user=request.auth.created_by,
            action=AuditEntry.Action.SUPPLIER_ANSWERS,
            response=response,
        )
        answers = answers_for_receipt(
            response=response, definition=campaign.questionnaire_version.parsed, language=language
        )
        data = {
            "id": response.pk,
            "supplier_name": response.supplier_name,
            "supplier_country": response.supplier_country,
            "submitted_at": response.submitted_at,
            "answers": [
                {"question": row["question"] or "", "answer": row["answer"]} for row in answers
            ],
        }
        return Response(DetailedResponseSerializer(data).data)
