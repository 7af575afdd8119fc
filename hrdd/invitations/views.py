"""The buyer's side of personal links, on one page per campaign."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hrdd import policy
from hrdd.core.access import get_campaign_for_member
from hrdd.detailed import services as detailed_services
from hrdd.detailed.models import AuditEntry
from hrdd.invitations import selectors
from hrdd.invitations import services as invitations
from hrdd.invitations.forms import ReminderScheduleForm
from hrdd.invitations.models import Invitation


def _back(campaign):
    return redirect("invitations:links", campaign_id=campaign.pk)


@login_required
def links(request, campaign_id, form=None, status=200):
    campaign = get_campaign_for_member(request.user, campaign_id)
    query = request.GET.get("q", "").strip()
    page = Paginator(selectors.invitations_page(campaign=campaign, query=query), 50).get_page(
        request.GET.get("page")
    )
    show_status = policy.response_status_access(campaign)
    rows = [
        {
            "invitation": inv,
            "answer_status": selectors.answer_status(inv) if show_status else None,
        }
        for inv in page
    ]
    if show_status and rows:
        # Who has answered is per-supplier data: recorded like every view of it.
        detailed_services.audit(
            campaign=campaign, user=request.user, action=AuditEntry.Action.SUPPLIER_STATUS
        )
    return render(
        request,
        "invitations/links.html",
        {
            "campaign": campaign,
            "can_edit": campaign.membership.can_edit,
            "show_status": show_status,
            "overview": selectors.links_overview(campaign=campaign),
            "problems": selectors.delivery_problems(campaign=campaign),
            "page": page,
            "rows": rows,
            "query": query,
            "schedule_form": form or ReminderScheduleForm(initial={"days": campaign.reminder_days}),
        },
        status=status,
    )


@login_required
@require_POST
def invite(request, campaign_id):
    campaign = get_campaign_for_member(request.user, campaign_id, write=True)
    try:
        count = invitations.campaign_invite(campaign=campaign, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(campaign)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d personal link is on its way.",
                "%(count)d personal links are on their way.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("Every supplier on your list has already been invited."))
    return _back(campaign)


@login_required
@require_POST
def remind(request, campaign_id):
    campaign = get_campaign_for_member(request.user, campaign_id, write=True)
    sent = invitations.reminders_send(
        campaign=campaign, key=invitations.manual_reminder_key(), by=request.user
    )
    if sent is None:
        messages.info(
            request,
            _(
                "Reminders can be sent once a day, while the campaign is open, once links "
                "have been sent."
            ),
        )
    elif policy.response_status_access(campaign):
        messages.success(
            request,
            ngettext(
                "A reminder is on its way to %(count)d supplier who has not answered.",
                "Reminders are on their way to %(count)d suppliers who have not answered.",
                sent,
            )
            % {"count": sent},
        )
    else:
        # How many were reminded would tell how many answered: not said in a confidential one.
        messages.success(
            request, _("Reminders are on their way to every supplier who has not answered.")
        )
    return _back(campaign)


@login_required
@require_POST
def set_reminders(request, campaign_id):
    campaign = get_campaign_for_member(request.user, campaign_id, write=True)
    form = ReminderScheduleForm(request.POST)
    if not form.is_valid():
        return links(request, campaign_id, form=form, status=422)
    invitations.campaign_set_reminders(
        campaign=campaign, days=form.cleaned_data["days"], by=request.user
    )
    messages.success(request, _("Reminder schedule saved."))
    return _back(campaign)


def _invitation(request, campaign_id, invitation_id):
    campaign = get_campaign_for_member(request.user, campaign_id, write=True)
    # Only current invitations: one superseded by an address change belongs to the old
    # address, and nothing the buyer does may send from it again.
    invitation = get_object_or_404(
        Invitation.objects.select_related("supplier", "campaign__organisation"),
        pk=invitation_id,
        campaign=campaign,
        superseded_at=None,
    )
    return campaign, invitation


@login_required
@require_POST
def resend(request, campaign_id, invitation_id):
    campaign, invitation = _invitation(request, campaign_id, invitation_id)
    try:
        invitations.invitation_resend(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("A new link is on its way to %(email)s.") % {"email": invitation.email},
        )
    return _back(campaign)


@login_required
@require_POST
def revoke(request, campaign_id, invitation_id):
    campaign, invitation = _invitation(request, campaign_id, invitation_id)
    invitations.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(
        request,
        _("The links sent to %(email)s no longer work.") % {"email": invitation.email},
    )
    return _back(campaign)
