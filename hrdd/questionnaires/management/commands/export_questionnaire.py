import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hrdd.questionnaires import translations
from hrdd.questionnaires.models import QuestionnaireVersion
from hrdd.questionnaires.services import definition_to_yaml

FORMATS = ("yaml", "xlsform", "translations", "po")


class Command(BaseCommand):
    help = (
        "Export a published questionnaire version: its definition (yaml), as XLSForm, or its "
        "texts for translators (translations: XLSX with a column per language, or English and "
        "--language only; po: one language)."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="Questionnaire code, e.g. crisis-impact.")
        parser.add_argument(
            "--number", type=int, dest="version", help="Version number (default: the latest)."
        )
        parser.add_argument("--format", choices=FORMATS, default="yaml")
        parser.add_argument(
            "--language",
            help="The translator's language: of the PO file (--format po, required), or the "
            "one language next to English in the XLSX (--format translations).",
        )
        parser.add_argument("-o", "--output", type=Path, help="File to write (default: stdout).")

    def handle(self, *args, code, version, format, language, output, **options):  # noqa: A002
        versions = QuestionnaireVersion.objects.filter(questionnaire__code=code)
        row = (
            versions.filter(version=version) if version else versions.order_by("-version")
        ).first()
        if row is None:
            raise CommandError(f"No published version {version or ''} of questionnaire {code!r}.")
        data = row.definition
        if format == "yaml":
            body: str | bytes = definition_to_yaml(data)
        elif format == "xlsform":
            from hrdd.questionnaires.xlsform import definition_to_xlsform

            body = definition_to_xlsform(data)
        elif format == "translations":
            if language and language not in row.parsed.languages:
                raise CommandError(f"--language must be one of {', '.join(row.parsed.languages)}.")
            body = translations.export_xlsx(data, [language] if language else None)
        else:
            if language not in row.parsed.languages and not translations.is_known_language(
                language
            ):
                raise CommandError(
                    f"--language must be one of {', '.join(row.parsed.languages)}, or a new "
                    f"language's code (e.g. ko, km), for a PO file; {language!r} is neither."
                )
            body = translations.export_po(data, language, earlier=row.earlier_definitions())
        if isinstance(body, bytes) and output is None:
            raise CommandError(f"The {format} format is a spreadsheet: give a file with -o.")
        if output is None:
            sys.stdout.write(body)
            return
        output.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
        self.stdout.write(f"wrote {output} ({row})")
