import csv

from django.core.management.base import BaseCommand, CommandError

from hrdd.organisations.models import Industry
from hrdd.questionnaires.models import Questionnaire
from hrdd.reports import policy
from hrdd.reports.exports import cells
from hrdd.reports.insights import INSIGHT_BREAKDOWNS, insights


class Command(BaseCommand):
    help = (
        "Export operator insights for one questionnaire as CSV (question, answer, count, "
        "percent, status), with the same confidentiality rules as the insights page."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="Questionnaire code.")
        parser.add_argument("--industry", choices=Industry.values, help="Buyers of one industry.")
        parser.add_argument(
            "--by",
            choices=INSIGHT_BREAKDOWNS,
            help="Also by supplier country or industry (columns breakdown and group).",
        )

    def handle(self, *args, code, industry, by, **options):
        questionnaire = Questionnaire.objects.filter(code=code).first()
        if questionnaire is None:
            raise CommandError(f"No questionnaire {code!r}.")
        content = insights(questionnaire=questionnaire, industry=industry, breakdown=by)
        if content["status"] != policy.OK:
            raise CommandError(
                f"Not enough data: at least {content['min_responses']} responses from "
                f"{content['min_buyers']} buyers are needed."
            )
        writer = csv.writer(self.stdout, lineterminator="\n")
        header = ["question", "answer", "count", "percent", "status"]
        writer.writerow(header + (["breakdown", "group"] if by else []))
        extra = ["", ""] if by else []
        for item in content["questions"]:
            for question, answer, cell, status in cells(item):
                writer.writerow(
                    [question, answer, cell.get("count"), cell.get("percent"), status, *extra]
                )
        for breakdown in content.get("breakdowns", []):
            dimension = breakdown["dimension"]
            if breakdown["status"] != policy.OK:
                writer.writerow(["", "", "", "", breakdown["status"], dimension, ""])
                continue
            for group in breakdown["groups"]:
                where = [dimension, group["code"]]
                writer.writerow(["_responses", "", group["response_count"], "", "shown", *where])
                for item in breakdown["questions"]:
                    own = (item.get("groups") or {}).get(group["code"]) or {
                        "status": item["status"]
                    }
                    for question, answer, cell, status in cells({**own, "code": item["code"]}):
                        writer.writerow(
                            [question, answer, cell.get("count"), cell.get("percent"), status]
                            + where
                        )
        self.stderr.write(
            f"{content['response_count']} responses from {content['buyer_count']} buyers"
        )
