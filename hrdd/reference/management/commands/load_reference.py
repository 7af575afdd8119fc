"""Load reference data: every shipped file, or one file as a new edition of a dataset."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hrdd.reference.services import edition_load, shipped_load_all


class Command(BaseCommand):
    help = "Load the shipped reference data, or one file as a new edition of a dataset."

    def add_arguments(self, parser):
        parser.add_argument("dataset", nargs="?", help="dataset code, e.g. tvpra")
        parser.add_argument("file", nargs="?", help="CSV or XLSX file")
        parser.add_argument("--edition", default="")
        parser.add_argument("--source", default="")
        parser.add_argument("--source-url", default="")
        parser.add_argument("--licence", default="")
        parser.add_argument("--notes", default="")
        parser.add_argument(
            "--keep-current", action="store_true", help="load without making it current"
        )

    def handle(self, *args, dataset=None, file=None, **options):
        try:
            if dataset is None:
                for result in shipped_load_all():
                    self._report(result)
                return
            if file is None:
                raise CommandError("Give the file to load after the dataset code.")
            path = Path(file)
            result = edition_load(
                dataset_code=dataset,
                content=path.read_bytes(),
                filename=path.name,
                edition=options["edition"],
                source=options["source"],
                source_url=options["source_url"],
                licence=options["licence"],
                notes=options["notes"],
                make_current=not options["keep_current"],
            )
            self._report(result)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        except OSError as error:
            raise CommandError(str(error)) from error

    def _report(self, result):
        edition = result.edition
        state = "loaded" if result.created else "already loaded"
        self.stdout.write(
            f"{edition.dataset.code} {edition.edition}: {state}, {edition.row_count} rows"
            f"{' (current)' if edition.is_current else ''}"
        )
