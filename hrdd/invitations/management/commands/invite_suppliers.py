from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hrdd.campaigns.models import Campaign
from hrdd.invitations.services import campaign_invite


class Command(BaseCommand):
    help = (
        "Send a personal link to every supplier on the buyer's list not yet invited to the "
        "campaign (the e-mails are delivered by the task worker)."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign_id", type=int)

    def handle(self, *args, campaign_id, **options):
        campaign = Campaign.objects.select_related("organisation").filter(pk=campaign_id).first()
        if campaign is None:
            raise CommandError(f"No campaign {campaign_id}.")
        try:
            count = campaign_invite(campaign=campaign)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{count} invitation(s) queued for {campaign.name}.")
