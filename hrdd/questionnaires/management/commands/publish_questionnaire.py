from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hrdd.questionnaires.definition import DefinitionError
from hrdd.questionnaires.services import questionnaire_publish_file, questionnaire_sync_builtin


class Command(BaseCommand):
    help = "Validate and publish questionnaire definition files (YAML or JSON)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="Definition files to publish.")
        parser.add_argument(
            "--builtin", action="store_true", help="Publish the built-in questionnaires."
        )

    def handle(self, *args, files, builtin, **options):
        if not files and not builtin:
            raise CommandError("Give one or more files, or --builtin.")
        try:
            # All or nothing: one bad file means none of the files is published.
            with transaction.atomic():
                versions = questionnaire_sync_builtin() if builtin else []
                versions += [questionnaire_publish_file(path=path) for path in files]
        except DefinitionError as exc:
            raise CommandError(
                f"{exc.source} is not valid, nothing was published:\n  - "
                + "\n  - ".join(exc.errors)
            ) from exc
        for version in versions:
            self.stdout.write(f"published {version}")
