from pathlib import Path

from django.db import transaction

from hrdd.questionnaires.definition import DefinitionError, load_file, parse_definition
from hrdd.questionnaires.models import Questionnaire, QuestionnaireVersion

BUILTIN_DIR = Path(__file__).parent / "definitions"


@transaction.atomic
def questionnaire_publish(*, data: dict, source: str = "<upload>") -> QuestionnaireVersion:
    """Validate a definition and store it as a frozen version (idempotent for identical content).

    Publishing the same code and version twice with different content is refused: a published
    version never changes, so the author must raise the version number.
    """
    definition = parse_definition(data, source=source)
    questionnaire, _ = Questionnaire.objects.get_or_create(code=definition.code)
    existing = QuestionnaireVersion.objects.filter(
        questionnaire=questionnaire, version=definition.version
    ).first()
    if existing is not None:
        if existing.checksum != definition.checksum:
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
