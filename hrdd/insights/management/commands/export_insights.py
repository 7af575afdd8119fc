import csv

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from hrdd import policy
from hrdd.insights.selectors import INSIGHT_BREAKDOWNS, insights
from hrdd.organisations.models import Industry
from hrdd.questionnaires.models import Questionnaire
from hrdd.reports.exports import summary_rows


class Command(BaseCommand):
    help = (
        "Export operator insights for one questionnaire as CSV, in the columns of a Summary "
        "Report export (question, question_text, answer, answer_text, percent, margin, "
        "status): sums of the buyers' released figures, shares with their 95 % margins."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="Questionnaire code.")
        parser.add_argument("--industry", choices=Industry.values, help="Buyers of one industry.")
        parser.add_argument(
            "--by",
            choices=INSIGHT_BREAKDOWNS,
            help="Also by supplier country or industry (columns breakdown, group, group_text).",
        )
        parser.add_argument("--language", default="en", help="Language of the texts (default en).")

    def handle(self, *args, code, industry, by, language, **options):
        questionnaire = Questionnaire.objects.filter(code=code).first()
        if questionnaire is None:
            raise CommandError(f"No questionnaire {code!r}.")
        content = insights(questionnaire=questionnaire, industry=industry, breakdown=by)
        if content["status"] != policy.OK:
            raise CommandError(
                f"Not enough data: at least {content['min_responses']} responses from "
                f"{content['min_buyers']} buyers are needed."
            )
        definition = questionnaire.latest_version().parsed
        writer = csv.writer(self.stdout, lineterminator="\n")
        with translation.override(language):
            for row in summary_rows(
                content=content, definition=definition, language=language, code_header=True
            ):
                writer.writerow(["" if value is None else value for value in row])
        self.stderr.write(
            f"{content['response_count']} responses from {content['buyer_count']} buyers"
        )
