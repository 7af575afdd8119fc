import csv

from django.core.management.base import BaseCommand, CommandError

from hrdd.organisations.models import Industry
from hrdd.questionnaires.models import Questionnaire
from hrdd.reports import policy
from hrdd.reports.exports import cells
from hrdd.reports.insights import insights


class Command(BaseCommand):
    help = (
        "Export operator insights for one questionnaire as CSV (question, answer, count, "
        "percent, status), with the same confidentiality rules as the insights page."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="Questionnaire code.")
        parser.add_argument("--industry", choices=Industry.values, help="Buyers of one industry.")

    def handle(self, *args, code, industry, **options):
        questionnaire = Questionnaire.objects.filter(code=code).first()
        if questionnaire is None:
            raise CommandError(f"No questionnaire {code!r}.")
        content = insights(questionnaire=questionnaire, industry=industry)
        if content["status"] != policy.OK:
            raise CommandError(
                f"Not enough data: at least {content['min_responses']} responses from "
                f"{content['min_buyers']} buyers are needed."
            )
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["question", "answer", "count", "percent", "status"])
        for item in content["questions"]:
            for question, answer, cell, status in cells(item):
                writer.writerow([question, answer, cell.get("count"), cell.get("percent"), status])
        self.stderr.write(
            f"{content['response_count']} responses from {content['buyer_count']} buyers"
        )
