"""The library of laws for everyone logged in, its operator's edits, and a buyer's
"which laws apply to us"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hrdd.core.access import buyer_memberships, get_buyer_for_member, is_operator, operator_required
from hrdd.core.forms import add_service_errors
from hrdd.laws import selectors
from hrdd.laws.applicability import RATES_AS_OF
from hrdd.laws.forms import AnswersForm, FilterForm, LawVersionForm
from hrdd.laws.services import answers_save, law_version_add


@login_required
def library(request):
    form = FilterForm(request.GET or None, jurisdictions=selectors.jurisdictions())
    filters = form.cleaned_data if form.is_valid() else {}
    return render(
        request,
        "laws/library.html",
        {
            "form": form,
            "laws": selectors.library(**filters),
            "memberships": buyer_memberships(request.user),
        },
    )


@login_required
def law_detail(request, law_code):
    law = selectors.get_law(law_code)
    if law is None:
        raise Http404
    return render(
        request,
        "laws/law.html",
        {
            "law": law,
            "version": law.current,
            "versions": selectors.versions(law),
            "can_edit": is_operator(request.user),
        },
    )


@operator_required
def law_edit(request, law_code):
    law = selectors.get_law(law_code)
    if law is None:
        raise Http404
    form = LawVersionForm(request.POST or None, initial=model_to_dict(law.current))
    if request.method == "POST" and form.is_valid():
        content = dict(form.cleaned_data)
        change_note = content.pop("change_note")
        try:
            law_version_add(law=law, content=content, change_note=change_note, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The entry was saved as a new version."))
            return redirect("laws:detail", law.code)
    return render(
        request,
        "laws/law_form.html",
        {"law": law, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def applies(request, organisation_id):
    """The questions, and the laws that apply by the answers last saved."""
    write = request.method == "POST"
    organisation = get_buyer_for_member(request.user, organisation_id, write=write)
    answers = selectors.latest_answers(organisation)
    initial = model_to_dict(answers) if answers else {}
    form = AnswersForm(request.POST or None, initial=initial)
    if write and form.is_valid():
        try:
            answers_save(organisation=organisation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your answers were saved."))
            return redirect("laws:applies", organisation.pk)
    return render(
        request,
        "laws/applies.html",
        {
            "organisation": organisation,
            "form": form,
            "can_edit": organisation.membership.can_edit,
            "results": selectors.applicable_laws(organisation),
            "history": selectors.answers_history(organisation),
            "rates_as_of": RATES_AS_OF,
        },
        status=422 if form.errors else 200,
    )
