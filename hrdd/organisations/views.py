from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hrdd.core.access import get_application_for_operator, operator_required
from hrdd.organisations.forms import ApplicationForm, RejectForm
from hrdd.organisations.models import Application
from hrdd.organisations.selectors import application_duplicates, applications_for_operator
from hrdd.organisations.services import application_approve, application_reject, application_submit


def apply(request):
    """The public application form. A valid POST records it and confirms by e-mail."""
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("accept_terms")
            application_submit(**data, language=get_language() or "en")
            return redirect("organisations:apply_done")
        return render(request, "organisations/apply.html", {"form": form}, status=422)
    return render(request, "organisations/apply.html", {"form": ApplicationForm()})


def apply_done(request):
    return render(request, "organisations/apply_done.html")


@operator_required
def operator_applications(request):
    status = request.GET.get("status", Application.Status.SUBMITTED)
    if status not in Application.Status.values and status != "all":
        status = Application.Status.SUBMITTED
    return render(
        request,
        "organisations/operator_applications.html",
        {
            "applications": applications_for_operator(status=None if status == "all" else status),
            "status": status,
            "statuses": Application.Status.choices,
        },
    )


@operator_required
def operator_application_detail(request, application_id):
    application = get_application_for_operator(request.user, application_id)
    reject_form = RejectForm()
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "approve":
                campaign = application_approve(
                    application=application,
                    by=request.user,
                    not_a_duplicate=request.POST.get("not_a_duplicate") == "on",
                )
                messages.success(
                    request,
                    _("Approved. %(name)s has an account and a first campaign: %(url)s")
                    % {"name": application.organisation_name, "url": campaign.response_url()},
                )
                return redirect("organisations:operator_application", application_id=application.pk)
            reject_form = RejectForm(request.POST)
            if reject_form.is_valid():
                application_reject(
                    application=application,
                    reason=reject_form.cleaned_data["reason"],
                    by=request.user,
                )
                messages.success(request, _("Rejected. The applicant was told why by e-mail."))
                return redirect("organisations:operator_application", application_id=application.pk)
            status = 422
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            application.refresh_from_db()
            status = 409
    return render(
        request,
        "organisations/operator_application.html",
        {
            "application": application,
            "reject_form": reject_form,
            "duplicates": application_duplicates(application),
        },
        status=status,
    )
