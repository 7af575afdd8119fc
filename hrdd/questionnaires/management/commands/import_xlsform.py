from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hrdd.questionnaires.definition import DefinitionError, parse_definition
from hrdd.questionnaires.services import (
    definition_to_yaml,
    questionnaire_draft_create,
    questionnaire_draft_publish,
)


class Command(BaseCommand):
    help = "Import an XLSForm workbook (KoboToolbox, ODK) as a questionnaire draft."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--publish", action="store_true")

    def handle(self, *args, file, publish, **options):
        from hrdd.questionnaires.xlsform import XLSFormError, xlsform_to_definition

        try:
            data = xlsform_to_definition(file.read_bytes())
            definition = parse_definition(data, source=str(file))
        except (OSError, XLSFormError, DefinitionError) as exc:
            errors = getattr(exc, "errors", None) or [str(exc)]
            raise CommandError(
                f"{file}: nothing was imported:\n  - " + "\n  - ".join(errors)
            ) from exc
        draft = questionnaire_draft_create(source=definition_to_yaml(data), by=None, note=file.name)
        self.stdout.write(
            f"draft {draft.pk}: {definition.code} v{definition.version}, "
            f"{len(definition.questions)} questions, languages {', '.join(definition.languages)}"
        )
        if publish:
            self.stdout.write(f"published {questionnaire_draft_publish(draft=draft, by=None)}")
