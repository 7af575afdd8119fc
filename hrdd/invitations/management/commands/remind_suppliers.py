from django.core.management.base import BaseCommand, CommandError

from hrdd.campaigns.models import Campaign
from hrdd.invitations.services import manual_reminder_key, reminders_send


class Command(BaseCommand):
    help = (
        "Remind every invited supplier of the campaign who has not answered (once a day, like "
        "the buyer's button; suppliers who opted out are left alone)."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign_id", type=int)

    def handle(self, *args, campaign_id, **options):
        campaign = Campaign.objects.select_related("organisation").filter(pk=campaign_id).first()
        if campaign is None:
            raise CommandError(f"No campaign {campaign_id}.")
        sent = reminders_send(campaign=campaign, key=manual_reminder_key())
        if sent is None:
            raise CommandError(
                "No reminders sent: they were sent today already, the campaign is not open, "
                "or no personal links were sent yet."
            )
        self.stdout.write(f"{sent} reminder(s) queued for {campaign.name}.")
