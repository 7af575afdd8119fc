import copy
from collections.abc import Iterable
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.questionnaires import translations
from hrdd.questionnaires.definition import (
    Definition,
    DefinitionError,
    load_file,
    load_yaml,
    parse_definition,
)
from hrdd.questionnaires.models import Questionnaire, QuestionnaireDraft, QuestionnaireVersion

BUILTIN_DIR = Path(__file__).parent / "definitions"


def languages_check(*, offered: Iterable[str], languages: Iterable[str]) -> None:
    """Refuse languages the questionnaire is not offered in, naming them: a ValidationError
    on the "languages" field (of a campaign, or of an application to the program)."""
    missing = [lang for lang in languages if lang not in offered]
    if missing:
        raise ValidationError(
            {
                "languages": _("This questionnaire is not available in: %(languages)s")
                % {"languages": ", ".join(missing)}
            }
        )


@transaction.atomic
def questionnaire_publish(*, data: dict, source: str = "<upload>") -> QuestionnaireVersion:
    """Validate a definition and store it as a frozen version (idempotent for the same content).

    Publishing the same code and version twice with different content is refused: a published
    version never changes, so the author must raise the version number.
    """
    definition = parse_definition(data, source=source)
    questionnaire, _ = Questionnaire.objects.get_or_create(code=definition.code)
    existing = QuestionnaireVersion.objects.filter(
        questionnaire=questionnaire, version=definition.version
    ).first()
    if existing is not None:
        # The same questionnaire spelt differently (defaults written out or left out, as after
        # an export to XLSForm and back) is the same version, not a changed one.
        if existing.checksum != definition.checksum and existing.parsed != definition:
            raise DefinitionError(
                source,
                [
                    f"version: {definition.code} version {definition.version} is already "
                    "published with different content; publish it as a new version"
                ],
            )
        return existing
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        version=definition.version,
        definition=data,
        checksum=definition.checksum,
    )
    # The questionnaire is known by the title of its newest version.
    if questionnaire.latest_version() == version:
        questionnaire.title = definition.title.values
        questionnaire.save(update_fields=["title"])
    return version


def questionnaire_publish_file(*, path: Path) -> QuestionnaireVersion:
    return questionnaire_publish(data=load_file(path), source=str(path))


def questionnaire_sync_builtin() -> list[QuestionnaireVersion]:
    """Publish every built-in definition that is not yet in the database."""
    return [
        questionnaire_publish_file(path=path)
        for path in sorted(BUILTIN_DIR.glob("*.y*ml")) + sorted(BUILTIN_DIR.glob("*.json"))
    ]


# --- Drafts: the operator's editing area ---------------------------------------------------


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a value used twice out twice: the loader refuses aliases (definition.py)."""

    def ignore_aliases(self, data) -> bool:
        return True


def definition_to_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, width=100)


def parse_source(source: str, *, name: str = "draft") -> dict:
    """YAML (or JSON, which is YAML) text to definition data, with a located error."""
    try:
        data = load_yaml(source)
    except yaml.YAMLError as exc:
        raise DefinitionError(name, [f"not valid YAML: {exc}"]) from exc
    if not isinstance(data, dict):
        raise DefinitionError(name, ["the definition must be a mapping at the top level"])
    return data


def draft_definition(draft: QuestionnaireDraft) -> Definition:
    """The draft's definition if it is valid; DefinitionError listing every problem if not."""
    return parse_definition(parse_source(draft.source, name=str(draft)), source=str(draft))


def next_version_number(code: str) -> int:
    latest = (
        QuestionnaireVersion.objects.filter(questionnaire__code=code)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return (latest or 0) + 1


def questionnaire_draft_create(
    *, source: str, by: User | None, based_on: QuestionnaireVersion | None = None, note: str = ""
) -> QuestionnaireDraft:
    """Store a draft as given, valid or not: the operator sees its errors and fixes them."""
    return QuestionnaireDraft.objects.create(
        source=source, created_by=by, based_on=based_on, note=note[:300]
    )


def questionnaire_draft_from_version(
    *, version: QuestionnaireVersion, by: User | None
) -> QuestionnaireDraft:
    """Start editing a published version: a copy with the next free version number."""
    data = copy.deepcopy(version.definition)
    data["version"] = next_version_number(version.questionnaire.code)
    return questionnaire_draft_create(
        source=definition_to_yaml(data), by=by, based_on=version, note=f"Edit of {version}"
    )


def questionnaire_draft_from_upload(
    *, filename: str, content: bytes, by: User | None
) -> QuestionnaireDraft:
    """A YAML/JSON definition or an XLSForm workbook, as a new draft.

    XLSForm rows that use unsupported features are refused with their row numbers
    (XLSFormError); nothing is stored then.
    """
    if filename.lower().endswith((".xlsx", ".xlsm")):
        from hrdd.questionnaires.xlsform import xlsform_to_definition

        data = xlsform_to_definition(content, filename=filename)
        source = definition_to_yaml(data)
    else:
        try:
            source = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DefinitionError(filename, ["the file is not UTF-8 text"]) from exc
    return questionnaire_draft_create(source=source, by=by, note=filename)


@transaction.atomic
def questionnaire_draft_update(
    *, draft: QuestionnaireDraft, source: str, by: User | None
) -> QuestionnaireDraft:
    if draft.published_version_id:
        raise ValidationError(_("This draft was published; start a new draft to change it."))
    draft.source = source
    draft.save(update_fields=["source", "updated_at"])
    return draft


@transaction.atomic
def questionnaire_draft_publish(
    *, draft: QuestionnaireDraft, by: User | None
) -> QuestionnaireVersion:
    """Validate the draft and freeze it as a published version."""
    locked = QuestionnaireDraft.objects.select_for_update().get(pk=draft.pk)
    if locked.published_version_id:
        return locked.published_version
    data = parse_source(locked.source, name=str(locked))
    version = questionnaire_publish(data=data, source=str(locked))
    locked.published_version = version
    locked.save(update_fields=["published_version", "updated_at"])
    return version


def questionnaire_import_translations(
    *, version: QuestionnaireVersion, filename: str, content: bytes, by: User | None
) -> tuple[QuestionnaireDraft, translations.ImportReport]:
    """Translations from a translator's XLSX or PO file, as a new draft of the next version."""
    if filename.lower().endswith(".po"):
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise translations.TranslationFileError(["the PO file is not UTF-8"]) from exc
        data, report = translations.import_po(version.definition, text)
    else:
        data, report = translations.import_xlsx(version.definition, content)
    data["version"] = next_version_number(version.questionnaire.code)
    draft = questionnaire_draft_create(
        source=definition_to_yaml(data),
        by=by,
        based_on=version,
        note=f"Translations from {filename}",
    )
    return draft, report


@transaction.atomic
def translation_mark_reviewed(
    *, version: QuestionnaireVersion, language: str, by: User
) -> QuestionnaireVersion:
    """A reviewer vouches for a draft translation: suppliers stop seeing the draft notice.

    The texts do not change, so the version stays the same; who and when is recorded.
    """
    locked = QuestionnaireVersion.objects.select_for_update().get(pk=version.pk)
    if language not in locked.parsed.draft_languages:
        raise ValidationError(_("This language is not a draft translation of this version."))
    reviewed = dict(locked.reviewed_translations)
    reviewed[language] = {"by": by.email, "at": timezone.now().isoformat()}
    QuestionnaireVersion.objects.filter(pk=locked.pk).update(reviewed_translations=reviewed)
    locked.refresh_from_db()
    return locked
