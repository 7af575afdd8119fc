"""Operator screens: write, check, preview, publish, compare and translate questionnaires."""

import contextlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from hrdd.core.access import operator_required
from hrdd.questionnaires import translations
from hrdd.questionnaires.definition import DefinitionError
from hrdd.questionnaires.diff import diff_definitions
from hrdd.questionnaires.models import Questionnaire, QuestionnaireDraft, QuestionnaireVersion
from hrdd.questionnaires.services import (
    definition_to_yaml,
    draft_definition,
    questionnaire_draft_from_upload,
    questionnaire_draft_from_version,
    questionnaire_draft_publish,
    questionnaire_draft_update,
    questionnaire_import_translations,
    translation_mark_reviewed,
)
from hrdd.responses.pages import page_preview


def _check_size(upload, limit: int) -> None:
    """Refuse a file over `limit` bytes (a setting), saying what the limit is."""
    if upload.size > limit:
        raise ValidationError(
            _("The file is larger than the limit of %(size)s (it has %(actual)s).")
            % {"size": filesizeformat(limit), "actual": filesizeformat(upload.size)}
        )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Questionnaire file"),
        help_text=gettext_lazy("A definition in YAML or JSON, or an XLSForm workbook (.xlsx)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        _check_size(upload, settings.UPLOAD_MAX_BYTES_QUESTIONNAIRE)
        if not upload.name.lower().endswith((".yaml", ".yml", ".json", ".xlsx")):
            raise ValidationError(gettext_lazy("Upload a .yaml, .yml, .json or .xlsx file."))
        return upload


class TranslationUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Translation file"),
        help_text=gettext_lazy("The XLSX or PO file exported here, filled in by the translator."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        _check_size(upload, settings.UPLOAD_MAX_BYTES_TRANSLATIONS)
        if not upload.name.lower().endswith((".xlsx", ".po")):
            raise ValidationError(gettext_lazy("Upload a .xlsx or .po file."))
        return upload


class SourceForm(forms.Form):
    source = forms.CharField(
        label=gettext_lazy("Definition (YAML)"),
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "code"}),
    )

    def clean_source(self):
        source = self.cleaned_data["source"]
        limit = settings.UPLOAD_MAX_BYTES_QUESTIONNAIRE
        if len(source.encode()) > limit:
            raise ValidationError(
                _("The definition is larger than the limit of %(size)s.")
                % {"size": filesizeformat(limit)}
            )
        return source


def _errors_of(exc: Exception) -> list[str]:
    return list(getattr(exc, "errors", None) or [str(exc)])


@operator_required
def questionnaire_list(request):
    upload = UploadForm()
    if request.method == "POST":
        upload = UploadForm(request.POST, request.FILES)
        if upload.is_valid():
            file = upload.cleaned_data["file"]
            try:
                draft = questionnaire_draft_from_upload(
                    filename=file.name, content=file.read(), by=request.user
                )
            except Exception as exc:  # noqa: BLE001 - XLSFormError, DefinitionError: shown
                for error in _errors_of(exc):
                    upload.add_error("file", error)
            else:
                return redirect("questionnaires:draft", draft_id=draft.pk)
    questionnaires = Questionnaire.objects.prefetch_related("versions").order_by("code")
    drafts = QuestionnaireDraft.objects.filter(published_version__isnull=True)
    return render(
        request,
        "questionnaires/list.html",
        {"questionnaires": questionnaires, "drafts": drafts, "upload": upload},
        status=422 if upload.errors else 200,
    )


@operator_required
def draft_detail(request, draft_id):
    draft = get_object_or_404(QuestionnaireDraft, pk=draft_id)
    form = SourceForm(initial={"source": draft.source})
    status = 200
    if request.method == "POST":
        form = SourceForm(request.POST)
        if form.is_valid():
            try:
                questionnaire_draft_update(
                    draft=draft, source=form.cleaned_data["source"], by=request.user
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                if request.POST.get("action") == "publish":
                    try:
                        version = questionnaire_draft_publish(draft=draft, by=request.user)
                    except DefinitionError:
                        messages.error(request, _("Not published: the definition has errors."))
                        status = 422
                    else:
                        messages.success(
                            request, _("Published as %(version)s.") % {"version": version}
                        )
                        return redirect("questionnaires:version", version_id=version.pk)
                else:
                    messages.success(request, _("Draft saved."))
                    return redirect("questionnaires:draft", draft_id=draft.pk)
    definition, errors = None, []
    try:
        definition = draft_definition(draft)
    except DefinitionError as exc:
        errors = exc.errors
    return render(
        request,
        "questionnaires/draft.html",
        {"draft": draft, "form": form, "definition": definition, "errors": errors},
        status=status,
    )


@operator_required
def draft_download(request, draft_id):
    draft = get_object_or_404(QuestionnaireDraft, pk=draft_id)
    response = HttpResponse(draft.source, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draft-{draft.pk}.yaml"'
    return response


def _version(version_id) -> QuestionnaireVersion:
    return get_object_or_404(
        QuestionnaireVersion.objects.select_related("questionnaire"), pk=version_id
    )


@operator_required
def version_detail(request, version_id):
    version = _version(version_id)
    definition = version.parsed
    languages = [
        {
            "code": lang,
            "draft": lang in definition.draft_languages,
            "reviewed": version.reviewed_translations.get(lang),
            "missing": sum(
                1
                for _key, text in translations.text_slots(version.definition)
                if not text.get(lang)
            ),
        }
        for lang in definition.languages
    ]
    others = version.questionnaire.versions.exclude(pk=version.pk)
    return render(
        request,
        "questionnaires/version.html",
        {
            "version": version,
            "definition": definition,
            "languages": languages,
            "others": others,
            "upload": TranslationUploadForm(),
        },
    )


@operator_required
@require_POST
def version_new_draft(request, version_id):
    draft = questionnaire_draft_from_version(version=_version(version_id), by=request.user)
    return redirect("questionnaires:draft", draft_id=draft.pk)


@operator_required
@require_POST
def version_mark_reviewed(request, version_id):
    version = _version(version_id)
    try:
        translation_mark_reviewed(
            version=version, language=request.POST.get("language", ""), by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The translation is marked as reviewed."))
    return redirect("questionnaires:version", version_id=version.pk)


@operator_required
def version_export(request, version_id, fmt):
    """Downloads: YAML, XLSForm, translations as XLSX (all languages or one) or PO (one)."""
    version = _version(version_id)
    name = f"{version.questionnaire.code}-v{version.version}"
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if fmt == "yaml":
        body, kind, filename = (
            definition_to_yaml(version.definition),
            "application/yaml",
            f"{name}.yaml",
        )
    elif fmt == "xlsform":
        from hrdd.questionnaires.xlsform import definition_to_xlsform

        body, kind, filename = (
            definition_to_xlsform(version.definition),
            xlsx,
            f"{name}-xlsform.xlsx",
        )
    elif fmt == "translations":
        # Every language, or (?language=xx) English and that one, for one translator.
        language = request.GET.get("language", "")
        if language and language not in version.parsed.languages:
            raise Http404
        body = translations.export_xlsx(version.definition, [language] if language else None)
        kind = xlsx
        filename = f"{name}-translations{f'-{language}' if language else ''}.xlsx"
    elif fmt == "po":
        # A language of the questionnaire, or a new one (every text, nothing translated).
        language = request.GET.get("language", "")
        if language not in version.parsed.languages and not translations.is_known_language(
            language
        ):
            raise Http404
        body, kind = (
            translations.export_po(
                version.definition, language, earlier=version.earlier_definitions()
            ),
            "text/x-gettext-translation",
        )
        filename = f"{name}-{language}.po"
    else:
        raise Http404
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@operator_required
def version_import_translations(request, version_id):
    version = _version(version_id)
    if request.method != "POST":
        return redirect("questionnaires:version", version_id=version.pk)
    form = TranslationUploadForm(request.POST, request.FILES)
    report, draft, errors = None, None, []
    if form.is_valid():
        file = form.cleaned_data["file"]
        try:
            draft, report = questionnaire_import_translations(
                version=version, filename=file.name, content=file.read(), by=request.user
            )
        except translations.TranslationFileError as exc:
            errors = exc.errors
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    return render(
        request,
        "questionnaires/import_report.html",
        {"version": version, "report": report, "draft": draft, "errors": errors},
        status=422 if errors else 200,
    )


@operator_required
def version_diff(request, version_id):
    version = _version(version_id)
    other_id = request.GET.get("other", "")
    # A version number typed or cut in the address is a missing version, not a server error.
    if not (other_id.isascii() and other_id.isdigit()):
        raise Http404
    other = get_object_or_404(
        QuestionnaireVersion, pk=int(other_id), questionnaire=version.questionnaire
    )
    old, new = sorted([version, other], key=lambda v: v.version)
    return render(
        request,
        "questionnaires/diff.html",
        {"old": old, "new": new, "diff": diff_definitions(old.parsed, new.parsed)},
    )


@operator_required
@xframe_options_sameorigin
def preview(request, kind, pk):
    """The questionnaire exactly as a supplier sees it, one page at a time, any language."""
    if kind not in {"version", "draft"}:
        raise Http404
    if kind == "version":
        definition = _version(pk).parsed
        is_draft = _version(pk).is_draft_translation
    else:
        try:
            definition = draft_definition(get_object_or_404(QuestionnaireDraft, pk=pk))
        except DefinitionError:
            messages.error(request, _("Fix the errors in the draft before previewing it."))
            return redirect("questionnaires:draft", draft_id=pk)

        def is_draft(lang):
            return lang in definition.draft_languages

    language = request.GET.get("lang", "en")
    if language not in definition.languages:
        language = "en"
    frame = bool(request.GET.get("frame"))
    # The frame is the page a supplier in that language sees, interface strings included
    # (in English where the interface has no translation, as for that supplier); the
    # operator's own controls around it stay in the operator's language.
    with translation.override(language) if frame else contextlib.nullcontext():
        response = _render_preview(request, kind, pk, definition, is_draft, language, frame)
    if frame:
        response.headers["Content-Language"] = language
    return response


def _render_preview(request, kind, pk, definition, is_draft, language, frame):
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    page = page_preview(definition=definition, number=number, language=language)
    template = "questionnaires/preview_frame.html" if frame else "questionnaires/preview.html"
    return render(
        request,
        template,
        {
            "kind": kind,
            "pk": pk,
            "definition": definition,
            "title": definition.title.get(language),
            **page.context(),
            "pages": range(1, page.count + 1),
            "language": language,
            "languages": definition.languages,
            "draft_translation": is_draft(language),
            "phone": request.GET.get("phone") == "1",
            "all_languages": dict(settings.LANGUAGES),
        },
    )
