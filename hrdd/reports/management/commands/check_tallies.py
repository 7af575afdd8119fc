from django.core.management.base import BaseCommand

from hrdd.campaigns.models import Campaign
from hrdd.reports.models import Tally
from hrdd.reports.tally import tally_counts_agree, tally_rebuild, tally_update


class Command(BaseCommand):
    help = (
        "Bring the report counts of every campaign (or those given) up to date and compare "
        "them with a full count of the answers; with --rebuild, count campaigns that do not "
        "agree again from their answers. Exits with status 1 if any does not agree."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaigns", nargs="*", type=int, help="campaign ids (default: all)")
        parser.add_argument(
            "--rebuild", action="store_true", help="count again the campaigns that disagree"
        )

    def handle(self, *args, campaigns, rebuild, **options):
        ids = campaigns or list(Campaign.objects.order_by("pk").values_list("pk", flat=True))
        wrong = []
        for campaign_id in ids:
            tally_update(campaign_id=campaign_id)
            if not tally_counts_agree(campaign_id=campaign_id) and rebuild:
                tally_rebuild(campaign_id=campaign_id)
            responses = (
                Tally.objects.filter(campaign_id=campaign_id)
                .values_list("responses", flat=True)
                .first()
            )
            if tally_counts_agree(campaign_id=campaign_id):
                self.stdout.write(
                    f"campaign {campaign_id}: {responses or 0} responses counted, agrees"
                )
            else:
                wrong.append(campaign_id)
                self.stderr.write(f"campaign {campaign_id}: DOES NOT AGREE with its answers")
        if wrong:
            raise SystemExit(1)
