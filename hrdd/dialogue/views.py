"""The stakeholder dialogue log: the buyer's team reads it, editors write it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.core.access import get_buyer_for_member
from hrdd.core.forms import add_service_errors
from hrdd.dialogue import selectors, services
from hrdd.dialogue.forms import (
    CommitmentForm,
    DocumentForm,
    EngagementForm,
    FollowUpForm,
    ParticipantForm,
)


def _engagement(organisation, engagement_id):
    engagement = selectors.get_engagement(organisation=organisation, engagement_id=engagement_id)
    if engagement is None:
        raise Http404
    return engagement


@login_required
def engagement_list(request, organisation_id):
    organisation = get_buyer_for_member(request.user, organisation_id)
    commitments = list(selectors.open_commitments(organisation=organisation))
    return render(
        request,
        "dialogue/list.html",
        {
            "organisation": organisation,
            "engagements": selectors.engagements_of(organisation=organisation),
            "commitments": [(c, selectors.overdue(c)) for c in commitments],
            "can_edit": organisation.membership.can_edit,
        },
    )


def _detail(request, organisation, engagement, forms=None, status=200):
    forms = forms or {}
    return render(
        request,
        "dialogue/detail.html",
        {
            "organisation": organisation,
            "engagement": engagement,
            "participants": engagement.participants.all(),
            "commitments": [(c, selectors.overdue(c)) for c in engagement.commitments.all()],
            "documents": engagement.documents.defer("content"),
            "events": engagement.events.select_related("by")[:50],
            "can_edit": organisation.membership.can_edit,
            "participant_form": forms.get("participant") or ParticipantForm(prefix="p"),
            "commitment_form": forms.get("commitment") or CommitmentForm(prefix="c"),
            "document_form": forms.get("document") or DocumentForm(prefix="d"),
        },
        status=status,
    )


@login_required
def engagement_detail(request, organisation_id, engagement_id):
    organisation = get_buyer_for_member(request.user, organisation_id)
    return _detail(request, organisation, _engagement(organisation, engagement_id))


@login_required
def engagement_new(request, organisation_id):
    organisation = get_buyer_for_member(request.user, organisation_id, write=True)
    form = EngagementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            engagement = services.engagement_create(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting was recorded."))
            return redirect("dialogue:detail", organisation.pk, engagement.pk)
    return render(
        request,
        "dialogue/form.html",
        {"organisation": organisation, "form": form, "engagement": None},
        status=422 if form.errors else 200,
    )


@login_required
def engagement_edit(request, organisation_id, engagement_id):
    organisation = get_buyer_for_member(request.user, organisation_id, write=True)
    engagement = _engagement(organisation, engagement_id)
    initial = {
        "title": engagement.title,
        "held_on": engagement.held_on,
        "group": engagement.group,
        "topics": engagement.topics,
        "concerns": engagement.concerns,
        "include_in_statement": engagement.include_in_statement,
    }
    form = EngagementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.engagement_update(engagement=engagement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting was updated."))
            return redirect("dialogue:detail", organisation.pk, engagement.pk)
    return render(
        request,
        "dialogue/form.html",
        {"organisation": organisation, "form": form, "engagement": engagement},
        status=422 if form.errors else 200,
    )


def _add(request, organisation_id, engagement_id, key, form_class, service, done):
    """POST of one of the detail page's forms: call `service`, or show the page again with
    the form's errors (nothing typed is lost)."""
    organisation = get_buyer_for_member(request.user, organisation_id, write=True)
    engagement = _engagement(organisation, engagement_id)
    form = form_class(request.POST, request.FILES or None, prefix=key[0])
    if form.is_valid():
        try:
            service(engagement=engagement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("dialogue:detail", organisation.pk, engagement.pk)
    return _detail(request, organisation, engagement, {key: form}, status=422)


@require_POST
@login_required
def participant_new(request, organisation_id, engagement_id):
    return _add(
        request,
        organisation_id,
        engagement_id,
        "participant",
        ParticipantForm,
        services.participant_add,
        _("The participant was added."),
    )


@require_POST
@login_required
def commitment_new(request, organisation_id, engagement_id):
    return _add(
        request,
        organisation_id,
        engagement_id,
        "commitment",
        CommitmentForm,
        services.commitment_add,
        _("The commitment was added."),
    )


@require_POST
@login_required
def document_new(request, organisation_id, engagement_id):
    return _add(
        request,
        organisation_id,
        engagement_id,
        "document",
        DocumentForm,
        services.document_add,
        _("The document was added."),
    )


@login_required
def commitment_edit(request, organisation_id, commitment_id):
    organisation = get_buyer_for_member(request.user, organisation_id)
    commitment = selectors.get_commitment(organisation=organisation, commitment_id=commitment_id)
    if commitment is None:
        raise Http404
    form = None
    if organisation.membership.can_edit:
        initial = {
            "status": commitment.status,
            "due_on": commitment.due_on,
            "follow_up": commitment.follow_up,
        }
        form = FollowUpForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form is None:
            organisation = get_buyer_for_member(request.user, organisation_id, write=True)
        elif form.is_valid():
            services.commitment_follow_up(
                commitment=commitment, by=request.user, **form.cleaned_data
            )
            messages.success(request, _("The follow-up was saved."))
            return redirect("dialogue:detail", organisation.pk, commitment.engagement_id)
    return render(
        request,
        "dialogue/commitment.html",
        {"organisation": organisation, "commitment": commitment, "form": form},
        status=422 if form is not None and form.errors else 200,
    )


@login_required
def document_file(request, organisation_id, dialogue_file_id):
    organisation = get_buyer_for_member(request.user, organisation_id)
    document = selectors.get_document(organisation=organisation, document_id=dialogue_file_id)
    if document is None:
        raise Http404
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="dialogue-{document.pk}.pdf"'
    return response
