"""The yearly statement builder: the buyer's statements, the builder (figures and text per
section, each save a version), the versions and their DOCX and PDF."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from hrdd.core.access import get_buyer_for_member
from hrdd.core.forms import add_service_errors
from hrdd.statements import exports, selectors, services
from hrdd.statements import render as presenting
from hrdd.statements.figures import gather
from hrdd.statements.forms import StatementForm, TextsForm


def _languages():
    """The languages a statement is exported in: the interface's (English and Japanese)."""
    return [(c, n) for c, n in settings.LANGUAGES if c in settings.UI_LANGUAGES]


def _statement(request, organisation_id, statement_id, *, write=False):
    organisation = get_buyer_for_member(request.user, organisation_id, write=write)
    statement = selectors.get_statement(organisation=organisation, statement_id=statement_id)
    if statement is None:
        raise Http404
    return organisation, statement


def _version(statement, number):
    version = selectors.get_version(statement=statement, number=number)
    if version is None:
        raise Http404
    return version


@login_required
def statement_list(request, organisation_id):
    organisation = get_buyer_for_member(request.user, organisation_id)
    form = StatementForm(request.POST or None)
    if request.method == "POST":
        organisation = get_buyer_for_member(request.user, organisation_id, write=True)
        if form.is_valid():
            try:
                statement = services.statement_create(
                    organisation=organisation, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The statement was created."))
                return redirect("statements:builder", organisation.pk, statement.pk)
    return render(
        request,
        "statements/list.html",
        {
            "organisation": organisation,
            "statements": selectors.statements_of(organisation=organisation),
            "form": form if organisation.membership.can_edit else None,
        },
        status=422 if form.errors else 200,
    )


@login_required
def builder(request, organisation_id, statement_id):
    organisation, statement = _statement(request, organisation_id, statement_id)
    latest = selectors.latest_version(statement=statement)
    can_edit = organisation.membership.can_edit
    form = TextsForm(
        request.POST or None, framework=statement.framework, initial=latest.texts if latest else {}
    )
    if request.method == "POST":
        get_buyer_for_member(request.user, organisation_id, write=True)
        if form.is_valid():
            try:
                version = services.statement_save(
                    statement=statement, texts=form.cleaned_data, by=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Version %(n)s was saved.") % {"n": version.number})
                return redirect("statements:builder", organisation.pk, statement.pk)
    sections = presenting.present(
        framework=statement.framework,
        figures=gather(organisation=organisation, year=statement.year),
        texts=latest.texts if latest else {},
    )
    for section in sections:
        section["field"] = form[section["key"]] if can_edit else None
    return render(
        request,
        "statements/builder.html",
        {
            "organisation": organisation,
            "statement": statement,
            "name": presenting.framework_name(statement.framework),
            "latest": latest,
            "sections": sections,
            "form": form,
            "can_edit": can_edit,
            "languages": _languages(),
        },
        status=422 if form.errors else 200,
    )


@login_required
def version_list(request, organisation_id, statement_id):
    organisation, statement = _statement(request, organisation_id, statement_id)
    return render(
        request,
        "statements/versions.html",
        {
            "organisation": organisation,
            "statement": statement,
            "name": presenting.framework_name(statement.framework),
            "versions": selectors.versions_of(statement=statement),
        },
    )


@login_required
def version_detail(request, organisation_id, statement_id, number):
    organisation, statement = _statement(request, organisation_id, statement_id)
    version = _version(statement, number)
    return render(
        request,
        "statements/version.html",
        {
            "organisation": organisation,
            "statement": statement,
            "name": presenting.framework_name(statement.framework),
            "version": version,
            "sections": presenting.present(
                framework=statement.framework, figures=version.figures, texts=version.texts
            ),
            "languages": _languages(),
        },
    )


def _export(request, organisation_id, statement_id, number, extension, make, content_type):
    _organisation, statement = _statement(request, organisation_id, statement_id)
    version = _version(statement, number)
    language = request.GET.get("language") or translation.get_language() or "en"
    if language not in dict(_languages()):
        language = "en"
    base_url = request.build_absolute_uri("/").rstrip("/")
    with translation.override(language):
        content = make(version=version, base_url=base_url)
    response = HttpResponse(content, content_type=content_type)
    name = exports.filename(version, extension, language)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export_docx(request, organisation_id, statement_id, number):
    return _export(
        request,
        organisation_id,
        statement_id,
        number,
        "docx",
        exports.render_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@login_required
def export_pdf(request, organisation_id, statement_id, number):
    return _export(
        request, organisation_id, statement_id, number, "pdf", exports.render_pdf, "application/pdf"
    )
