"""A buyer's impact assessments: the list, the project page with its sections, the forms
that add to it, and the report (page and PDF). Members read; owners and administrators
write (403 for analysts and viewers); other buyers get 404 (selectors.get_project_for_member)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.core.access import get_buyer_for_member
from hrdd.core.forms import add_service_errors
from hrdd.impact import consent, pdf, selectors, services
from hrdd.impact.forms import (
    ActivityForm,
    DeskNoteForm,
    FindingForm,
    InterviewEditForm,
    InterviewForm,
    ProjectForm,
    RecommendationForm,
    SalientForm,
    StatusForm,
)
from hrdd.impact.models import Project


def _apply(form, call) -> bool:
    """Run the service; its ValidationError goes onto the form (per field where it names one)."""
    try:
        call()
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


def _form_page(request, project, form, *, title, section, status=200):
    return render(
        request,
        "impact/form.html",
        {
            "organisation": project.organisation,
            "project": project,
            "form": form,
            "title": title,
            "back": reverse("impact:detail", args=[project.organisation.pk, project.pk])
            + f"#{section}",
        },
        status=422 if form.errors else status,
    )


def _back(project, section: str):
    return redirect(
        reverse("impact:detail", args=[project.organisation.pk, project.pk]) + f"#{section}"
    )


@login_required
def project_list(request, organisation_id):
    organisation = get_buyer_for_member(request.user, organisation_id)
    return render(
        request,
        "impact/list.html",
        {
            "organisation": organisation,
            "projects": selectors.projects_for_buyer(organisation=organisation),
        },
    )


@login_required
def project_create(request, organisation_id):
    organisation = get_buyer_for_member(request.user, organisation_id, write=True)
    form = ProjectForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        project = None

        def create():
            nonlocal project
            project = services.project_create(
                organisation=organisation, by=request.user, **form.values()
            )

        if _apply(form, create):
            messages.success(request, _("The assessment was created."))
            return redirect("impact:detail", organisation.pk, project.pk)
    return render(
        request,
        "impact/project_form.html",
        {"organisation": organisation, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def project_edit(request, organisation_id, project_id):
    project = selectors.get_project_for_member(
        request.user, organisation_id, project_id, write=True
    )
    form = ProjectForm(request.POST or None, instance=project, organisation=project.organisation)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        project.refresh_from_db()  # the form wrote into the instance; the service decides
        if _apply(
            form, lambda: services.project_update(project=project, by=request.user, **values)
        ):
            messages.success(request, _("The assessment was saved."))
            return _back(project, "scope")
    return render(
        request,
        "impact/project_form.html",
        {"organisation": project.organisation, "project": project, "form": form},
        status=422 if form.errors else 200,
    )


@require_POST
@login_required
def project_status(request, organisation_id, project_id):
    project = selectors.get_project_for_member(
        request.user, organisation_id, project_id, write=True
    )
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status from the list."))
    elif _apply(
        form,
        lambda: services.project_set_status(
            project=project, by=request.user, status=form.cleaned_data["status"]
        ),
    ):
        messages.success(request, _("The status was changed."))
    else:
        messages.error(request, " ".join(form.non_field_errors()))
    return _back(project, "status")


@login_required
def project_detail(request, organisation_id, project_id):
    project = selectors.get_project_for_member(request.user, organisation_id, project_id)
    can_edit = project.organisation.membership.can_edit
    return render(
        request,
        "impact/detail.html",
        {
            "organisation": project.organisation,
            "project": project,
            "can_edit": can_edit and not project.is_reported,
            "can_change_status": can_edit,
            "next_statuses": [
                Project.Status(s) for s in sorted(services.TRANSITIONS[project.status])
            ],
            "risk": selectors.scope_risk(project=project),
            **selectors.project_page(project=project),
        },
    )


@login_required
def note_add(request, organisation_id, project_id):
    project = selectors.get_project_for_member(
        request.user, organisation_id, project_id, write=True
    )
    form = DeskNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: services.desk_note_add(
                project=project,
                by=request.user,
                text=data["text"],
                edition=data["edition"],
                law_id=data["law_id"],
            ),
        ):
            return _back(project, "desk")
    return _form_page(request, project, form, title=_("Add a desk-research note"), section="desk")


@login_required
def note_edit(request, organisation_id, project_id, note_id):
    note = selectors.get_desk_note_for_member(
        request.user, organisation_id, project_id, note_id, write=True
    )
    project = note.project
    form = DeskNoteForm(
        request.POST or None,
        initial={"text": note.text, "edition": note.edition_id, "law_id": note.law_id},
    )
    if note.law_id and note.law_id not in dict(form.fields["law_id"].choices):
        # A law of an earlier edition stays citable as it was recorded.
        form.fields["law_id"].choices += [(note.law_id, note.law_name)]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: services.desk_note_update(
                note=note,
                by=request.user,
                text=data["text"],
                edition=data["edition"],
                law_id=data["law_id"],
            ),
        ):
            messages.success(request, _("The note was saved."))
            return _back(project, "desk")
    return _form_page(request, project, form, title=_("Edit a desk-research note"), section="desk")


@login_required
def activity_add(request, organisation_id, project_id):
    project = selectors.get_project_for_member(
        request.user, organisation_id, project_id, write=True
    )
    form = ActivityForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form,
            lambda: services.activity_add(project=project, by=request.user, **form.cleaned_data),
        )
    ):
        return _back(project, "plan")
    return _form_page(request, project, form, title=_("Plan a visit or interview"), section="plan")


@login_required
def interview_add(request, organisation_id, project_id):
    """GET: the consent text in the chosen language, then the form; POST: record it against
    the hash of the text that was shown (services.interview_record)."""
    project = selectors.get_project_for_member(
        request.user, organisation_id, project_id, write=True
    )
    languages = consent.consent_languages()
    source = request.POST if request.method == "POST" else request.GET
    language = source.get("language")
    if language not in dict(languages):
        language = "en"
    text = consent.consent_text(language=language, buyer=project.organisation.name)
    form = InterviewForm(
        request.POST if request.method == "POST" else None,
        initial={"language": language, "consent_sha256": consent.consent_hash(text)},
    )
    if request.method == "POST" and form.is_valid():
        interview = None

        def record():
            nonlocal interview
            interview = services.interview_record(
                project=project, by=request.user, **form.cleaned_data
            )

        if _apply(form, record):
            messages.success(
                request,
                _("The interview was recorded as %(code)s.") % {"code": interview.code},
            )
            return _back(project, "interviews")
    return render(
        request,
        "impact/interview_form.html",
        {
            "organisation": project.organisation,
            "project": project,
            "form": form,
            "languages": languages,
            "language": language,
            "consent_text": text,
        },
        status=422 if form.errors else 200,
    )


@login_required
def interview_detail(request, organisation_id, project_id, interview_id):
    interview = selectors.get_interview_for_member(
        request.user, organisation_id, project_id, interview_id
    )
    project = interview.project
    show_sensitive = selectors.can_read_sensitive_notes(project)
    return render(
        request,
        "impact/interview.html",
        {
            "organisation": project.organisation,
            "project": project,
            "interview": interview,
            "label": selectors.interviewee_label(interview),
            "sensitive_notes": interview.sensitive_notes if show_sensitive else None,
            "can_edit": project.organisation.membership.can_edit and not project.is_reported,
        },
    )


@login_required
def interview_edit(request, organisation_id, project_id, interview_id):
    """Owners and administrators correct an interview (they alone read its sensitive notes,
    which the form shows decrypted and stores encrypted again)."""
    project = selectors.get_project_for_member(
        request.user, organisation_id, project_id, write=True
    )
    interview = selectors.get_interview_for_member(
        request.user, organisation_id, project_id, interview_id
    )
    form = InterviewEditForm(
        request.POST or None,
        consent_to_name=interview.consent_to_name,
        initial={
            "group": interview.group,
            "taken_on": interview.taken_on,
            "interviewee_name": interview.interviewee_name,
            "notes": interview.notes,
            "sensitive_notes": interview.sensitive_notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = {"interviewee_name": "", **form.cleaned_data}
        if _apply(
            form,
            lambda: services.interview_update(interview=interview, by=request.user, **data),
        ):
            messages.success(
                request, _("The interview %(code)s was saved.") % {"code": interview.code}
            )
            return redirect("impact:interview", project.organisation.pk, project.pk, interview.pk)
    return _form_page(
        request,
        project,
        form,
        title=_("Edit the interview %(code)s") % {"code": interview.code},
        section="interviews",
    )


@login_required
def finding_add(request, organisation_id, project_id):
    project = selectors.get_project_for_member(
        request.user, organisation_id, project_id, write=True
    )
    form = FindingForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form,
            lambda: services.finding_add(project=project, by=request.user, **form.cleaned_data),
        )
    ):
        return _back(project, "findings")
    return _form_page(request, project, form, title=_("Add a finding"), section="findings")


@login_required
def finding_salient(request, organisation_id, project_id, impact_finding_id):
    """GET: the form to mark the finding salient; POST: mark it, or unmark it (action)."""
    finding = selectors.get_finding_for_member(
        request.user, organisation_id, project_id, impact_finding_id, write=True
    )
    project = finding.project
    if request.method == "POST" and request.POST.get("action") == "unmark":
        form = SalientForm()
        if _apply(form, lambda: services.finding_unmark_salient(finding=finding, by=request.user)):
            return _back(project, "salient")
        messages.error(request, " ".join(form.non_field_errors()))
        return _back(project, "salient")
    salient = getattr(finding, "salient", None)
    form = SalientForm(
        request.POST if request.method == "POST" else None,
        initial={"rationale": salient.rationale if salient else ""},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form,
            lambda: services.finding_mark_salient(
                finding=finding, by=request.user, rationale=form.cleaned_data["rationale"]
            ),
        )
    ):
        return _back(project, "salient")
    return _form_page(
        request,
        project,
        form,
        title=_("Mark “%(title)s” as a salient issue") % {"title": finding.title},
        section="findings",
    )


@login_required
def recommendation_add(request, organisation_id, project_id):
    project = selectors.get_project_for_member(
        request.user, organisation_id, project_id, write=True
    )
    form = RecommendationForm(request.POST or None, project=project)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form,
            lambda: services.recommendation_add(
                project=project, by=request.user, **form.cleaned_data
            ),
        )
    ):
        return _back(project, "recommendations")
    return _form_page(
        request, project, form, title=_("Add a recommendation"), section="recommendations"
    )


@login_required
def report(request, organisation_id, project_id):
    project = selectors.get_project_for_member(request.user, organisation_id, project_id)
    return render(
        request,
        "impact/report.html",
        {"organisation": project.organisation, **selectors.report(project=project)},
    )


@login_required
def report_pdf(request, organisation_id, project_id):
    project = selectors.get_project_for_member(request.user, organisation_id, project_id)
    response = HttpResponse(
        pdf.render_report_pdf(report=selectors.report(project=project)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="{pdf.report_filename(project)}"'
    return response
