from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hrdd.questionnaires.definition import DefinitionError
from hrdd.questionnaires.models import QuestionnaireVersion
from hrdd.questionnaires.services import (
    questionnaire_draft_publish,
    questionnaire_import_translations,
)
from hrdd.questionnaires.translations import TranslationFileError


class Command(BaseCommand):
    help = (
        "Import a translator's XLSX or PO file into a new draft of the next version, print "
        "what changed and what is missing, and publish it with --publish."
    )

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--number", type=int, dest="version", help="Version the file was exported from."
        )
        parser.add_argument("--publish", action="store_true")

    def handle(self, *args, code, file, version, publish, **options):
        versions = QuestionnaireVersion.objects.filter(questionnaire__code=code)
        row = (
            versions.filter(version=version) if version else versions.order_by("-version")
        ).first()
        if row is None:
            raise CommandError(f"No published version of questionnaire {code!r}.")
        try:
            draft, report = questionnaire_import_translations(
                version=row, filename=file.name, content=file.read_bytes(), by=None
            )
        except (OSError, TranslationFileError) as exc:
            errors = getattr(exc, "errors", [str(exc)])
            raise CommandError("Nothing was imported:\n  - " + "\n  - ".join(errors)) from exc
        for key, lang, old, new in report.changed:
            self.stdout.write(f"changed {lang} {key}: {old!r} -> {new!r}")
        for key, lang, new in report.added:
            self.stdout.write(f"added   {lang} {key}: {new!r}")
        for key, lang in report.missing:
            self.stdout.write(f"missing {lang} {key}")
        self.stdout.write(
            f"{len(report.changed)} changed, {len(report.added)} added, "
            f"{len(report.missing)} missing; draft {draft.pk} created"
        )
        if publish:
            try:
                published = questionnaire_draft_publish(draft=draft, by=None)
            except DefinitionError as exc:
                raise CommandError("Not published:\n  - " + "\n  - ".join(exc.errors)) from exc
            self.stdout.write(f"published {published}")
