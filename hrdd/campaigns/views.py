from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hrdd import policy
from hrdd.campaigns.forms import CampaignCreateForm, CampaignDatesForm
from hrdd.campaigns.models import Campaign
from hrdd.campaigns.selectors import campaigns_for_organisation
from hrdd.campaigns.services import campaign_create, campaign_set_dates
from hrdd.core.access import (
    buyer_memberships,
    get_buyer_for_member,
    get_campaign_for_member,
    is_operator,
)
from hrdd.organisations.models import Membership
from hrdd.reports.selectors import (
    first_release_size,
    latest_release,
    privacy_budget_holder,
    privacy_budget_left,
    submitted_count,
)


def home(request):
    """Public front page; signed-in people land on their own work."""
    if request.user.is_authenticated:
        if is_operator(request.user):
            return redirect("organisations:operator_applications")
        return redirect("campaigns:dashboard")
    return render(request, "home.html")


@login_required
def dashboard(request):
    """The buyer's campaigns, across the organisations the user belongs to."""
    memberships = list(buyer_memberships(request.user))
    organisations = [
        {
            "membership": m,
            "campaigns": list(campaigns_for_organisation(organisation=m.organisation)),
        }
        for m in memberships
    ]
    return render(
        request,
        "campaigns/dashboard.html",
        {"organisations": organisations, "is_operator": is_operator(request.user)},
    )


@login_required
def detail(request, campaign_id):
    campaign = get_campaign_for_member(request.user, campaign_id)
    form = None
    if campaign.membership.can_edit:
        form = CampaignDatesForm(instance=campaign, time_zone=settings.TIME_ZONE)
    return _render_detail(request, campaign, form)


def _render_detail(request, campaign, form, status=200):
    low, high = policy.response_band(submitted_count(campaign=campaign), campaign.min_responses)
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "form": form,
            "band_low": low,
            "band_high": high,
            "release": latest_release(campaign=campaign),
            "first_release": first_release_size(campaign=campaign),
            "no_budget_since": (
                privacy_budget_holder(campaign=campaign)
                if policy.budget_spent(privacy_budget_left(campaign=campaign))
                else None
            ),
            "can_edit": campaign.membership.can_edit,
            "is_owner": campaign.membership.role == Membership.Role.OWNER,
            "detailed_access": policy.detailed_report_access(campaign),
            "breakdowns": [
                Campaign.Breakdown(b).label
                for b in campaign.breakdowns
                if b in Campaign.Breakdown.values
            ],
            "draft_translations": [
                lang
                for lang in campaign.languages
                if campaign.questionnaire_version.is_draft_translation(lang)
            ],
        },
        status=status,
    )


@login_required
def edit_dates(request, campaign_id):
    campaign = get_campaign_for_member(request.user, campaign_id, write=True)
    if request.method != "POST":
        return redirect("campaigns:detail", campaign_id=campaign.pk)
    form = CampaignDatesForm(request.POST, instance=campaign, time_zone=settings.TIME_ZONE)
    if form.is_valid():
        try:
            campaign_set_dates(
                campaign=campaign,
                opens_at=form.cleaned_data["opens_at"],
                closes_at=form.cleaned_data["closes_at"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The campaign dates were saved."))
            return redirect("campaigns:detail", campaign_id=campaign.pk)
    # The form wrote the rejected dates onto the instance; show the stored ones beside it.
    membership = campaign.membership
    campaign.refresh_from_db()
    campaign.membership = membership
    return _render_detail(request, campaign, form, status=422)


@login_required
def create(request, organisation_id):
    """A new campaign, for owners and administrators of the organisation."""
    organisation = get_buyer_for_member(request.user, organisation_id, write=True)
    form = CampaignCreateForm()
    if request.method == "POST":
        form = CampaignCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = campaign_create(
                    organisation=organisation,
                    questionnaire_version=data["questionnaire_version"],
                    name=data["name"],
                    languages=data["languages"],
                    opens_at=data["opens_at"],
                    closes_at=data["closes_at"],
                    mode=data["mode"],
                    breakdowns=data["breakdowns"],
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The campaign is ready. Send its response URL."))
                return redirect("campaigns:detail", campaign_id=campaign.pk)
    return render(
        request,
        "campaigns/create.html",
        {"form": form, "organisation": organisation},
        status=422 if form.errors else 200,
    )
