"""Every tenant-scoped lookup goes through here. Outsiders get 404, never a hint."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from hrdd import policy
from hrdd.campaigns.models import Campaign
from hrdd.organisations.models import Application, Membership, Organisation


def is_operator(user) -> bool:
    """Operator staff: members of the operator organisation (superusers count too)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, organisation__kind=Organisation.Kind.OPERATOR
    ).exists()


def operator_required(view):
    """Only operator staff; everyone else gets 404 so the operator screens stay invisible."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_operator(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def buyer_memberships(user):
    return (
        Membership.objects.filter(user=user, organisation__kind=Organisation.Kind.BUYER)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def get_membership(user, organisation: Organisation) -> Membership:
    """The user's membership of `organisation`, else 404."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(Membership, organisation=organisation, user=user)


def get_buyer_for_member(user, organisation_id, *, write: bool = False) -> Organisation:
    """The buyer organisation if `user` belongs to it, else 404; with write=True analysts and
    viewers get 403. The membership is attached as `.membership`."""
    organisation = get_object_or_404(Organisation, pk=organisation_id, kind=Organisation.Kind.BUYER)
    membership = get_membership(user, organisation)
    if write and not membership.can_edit:
        raise PermissionDenied
    organisation.membership = membership
    return organisation


def get_campaign_for_member(user, campaign_id, *, write: bool = False) -> Campaign:
    """The campaign if `user` belongs to its organisation, else 404 (never reveal other tenants).

    With write=True, analysts and viewers get 403: they may know the campaign, not change it.
    """
    campaign = get_object_or_404(
        Campaign.objects.select_related("organisation", "questionnaire_version__questionnaire"),
        pk=campaign_id,
    )
    membership = get_membership(user, campaign.organisation)
    if write and not membership.can_edit:
        raise PermissionDenied
    campaign.membership = membership
    return campaign


def get_application_for_operator(user, application_id) -> Application:
    if not is_operator(user):
        raise Http404
    return get_object_or_404(
        Application.objects.select_related("questionnaire", "organisation"), pk=application_id
    )


def get_campaign_for_detailed_report(user, campaign_id) -> Campaign:
    """The campaign if `user` is a member and per-supplier data may exist in it.

    Outsiders and confidential campaigns get 404 (in a confidential campaign there is no
    per-supplier report to find). The plan check is left to the view, which explains it.
    """
    campaign = get_campaign_for_member(user, campaign_id)
    if policy.detailed_report_access(campaign) == policy.DETAILED_CONFIDENTIAL:
        raise Http404
    return campaign
