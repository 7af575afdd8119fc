"""Check a supplier file against a buyer's list, and with --confirm import its valid rows.

    manage.py import_suppliers 12 suppliers.xlsx            # the row report; imports nothing
    manage.py import_suppliers 12 suppliers.csv --confirm  # the same, then imports valid rows

Exit status 1 when the file cannot be used, or when it has errors and nothing was imported
(without --confirm, any error), so that a script can stop there.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from hrdd.organisations.models import Organisation
from hrdd.suppliers import imports
from hrdd.suppliers.selectors import summarise
from hrdd.suppliers.services import (
    supplier_import_cancel,
    supplier_import_confirm,
    supplier_import_preview,
)


class Command(BaseCommand):
    help = "Check a CSV or XLSX supplier file for a buyer; with --confirm, import its valid rows."

    def add_arguments(self, parser):
        parser.add_argument("organisation_id", type=int, help="the buyer organisation's id")
        parser.add_argument("file", type=Path, help="a .csv or .xlsx file")
        parser.add_argument(
            "--confirm", action="store_true", help="import the valid rows (default: only check)"
        )

    def handle(self, *args, organisation_id, file, confirm, **options):
        # The report is for operators and scripts: in English whatever the settings say.
        with translation.override("en"):
            self._import(organisation_id, file, confirm)

    def _import(self, organisation_id: int, file: Path, confirm: bool) -> None:
        organisation = Organisation.objects.filter(
            pk=organisation_id, kind=Organisation.Kind.BUYER
        ).first()
        if organisation is None:
            raise CommandError(f"No buyer organisation with id {organisation_id}.")
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        if len(content) > imports.MAX_BYTES:
            raise CommandError(f"{file}: larger than {imports.MAX_BYTES // (1024 * 1024)} MB.")

        if confirm:
            # The same two steps as the web pages: a preview, then its confirmation.
            try:
                preview = supplier_import_preview(
                    organisation=organisation, filename=file.name, content=content, by=None
                )
            except ValidationError as exc:
                raise CommandError(f"{file}: {' '.join(exc.messages)}") from exc
            problems, total, valid = preview.problems, preview.total_rows, len(preview.rows)
        else:
            try:
                result = imports.check_supplier_file(
                    organisation=organisation, filename=file.name, content=content
                )
            except imports.SupplierFileError as exc:
                raise CommandError(f"{file}: {exc.message}") from exc
            problems, total, valid = result.problems, result.total_rows, len(result.rows)
        summary = summarise(problems=problems, total=total, valid=valid)

        for problem in problems:
            where = f"row {problem['row']}" if problem["row"] else "file"
            column = f", column {problem['column']!r}" if problem["column"] else ""
            value = f" [{problem['value']}]" if problem["value"] else ""
            self.stdout.write(
                f"{where}{column}: {problem['severity']}: {problem['message']}{value}"
            )
        self.stdout.write(
            f"{total} rows: {valid} valid, {summary.with_errors} with errors, "
            f"{summary.already_in_list} already in the list, "
            f"{summary.with_warnings} valid with warnings."
        )

        if not confirm:
            self.stdout.write("Nothing imported (run again with --confirm to import).")
            if summary.with_errors:
                raise CommandError(f"{summary.with_errors} rows have errors.", returncode=1)
            return
        if not valid:
            supplier_import_cancel(supplier_import=preview)
            if summary.with_errors:
                raise CommandError("No valid row: nothing was imported.", returncode=1)
            self.stdout.write("Nothing new to import.")
            return
        outcome = supplier_import_confirm(supplier_import=preview)
        self.stdout.write(
            self.style.SUCCESS(f"Imported {outcome.imported} suppliers into {organisation}.")
        )
        if outcome.skipped:
            self.stdout.write(f"{outcome.skipped} rows skipped: already in the list by now.")
        if outcome.imported == 0 and summary.with_errors:
            raise CommandError("Nothing was imported.", returncode=1)
