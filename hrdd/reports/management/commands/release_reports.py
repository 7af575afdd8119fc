from django.core.management.base import BaseCommand

from hrdd.reports.services import report_release_overdue


class Command(BaseCommand):
    help = (
        "Make the final Summary Report release of every closed campaign that is missing it "
        "(normally the worker makes it at the close date). Safe to run as often as wanted, "
        "e.g. hourly from cron."
    )

    def handle(self, *args, **options):
        made = report_release_overdue()
        for release in made:
            self.stdout.write(
                f"campaign {release.campaign_id}: release {release.number} "
                f"({release.response_count} responses)"
            )
        self.stdout.write(f"{len(made)} final release(s) made.")
