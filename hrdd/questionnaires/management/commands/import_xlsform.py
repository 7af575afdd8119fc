from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

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
            data = xlsform_to_definition(file.read_bytes(), filename=file.name)
            definition = parse_definition(data, source=str(file))
        except (OSError, XLSFormError, DefinitionError) as exc:
            errors = getattr(exc, "errors", None) or [str(exc)]
            raise CommandError(
                f"{file}: nothing was imported:\n  - " + "\n  - ".join(errors)
            ) from exc
        # All or nothing: a draft that cannot be published (its version is already published
        # with other content) is not left behind.
        with transaction.atomic():
            draft = questionnaire_draft_create(
                source=definition_to_yaml(data), by=None, note=file.name
            )
            report = (
                f"draft {draft.pk}: {definition.code} v{definition.version}, "
                f"{len(definition.questions)} questions, "
                f"languages {', '.join(definition.languages)}"
            )
            if publish:
                try:
                    version = questionnaire_draft_publish(draft=draft, by=None)
                except DefinitionError as exc:
                    raise CommandError(
                        f"{file}: nothing was imported:\n  - " + "\n  - ".join(exc.errors)
                    ) from exc
        self.stdout.write(report)
        if publish:
            self.stdout.write(f"published {version}")
