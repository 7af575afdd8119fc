from django.core.management.base import BaseCommand, CommandError

from hrdd import policy
from hrdd.accounts.models import User
from hrdd.campaigns.models import Campaign
from hrdd.detailed import exports, services
from hrdd.detailed.models import AuditEntry
from hrdd.organisations.models import Membership


class Command(BaseCommand):
    help = (
        "Export all answers of a disclosed campaign as CSV (paid plan only), on behalf of a "
        "member of the buyer, who is recorded in the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int, help="Campaign id.")
        parser.add_argument("--user", required=True, help="E-mail of the buyer's member.")

    def handle(self, *args, campaign, user, **options):
        person = User.objects.filter(email__iexact=user).first()
        row = Campaign.objects.select_related("organisation").filter(pk=campaign).first()
        if (
            person is None
            or row is None
            or not Membership.objects.filter(user=person, organisation=row.organisation).exists()
        ):
            raise CommandError("No such campaign for this user.")
        access = policy.detailed_report_access(row)
        if access == policy.DETAILED_CONFIDENTIAL:
            raise CommandError("This campaign is confidential: there are no per-supplier answers.")
        if access == policy.DETAILED_NEEDS_PLAN:
            raise CommandError("Per-supplier exports need the paid plan.")
        services.audit(campaign=row, user=person, action=AuditEntry.Action.EXPORT_CSV)
        for chunk in exports.stream_csv(campaign=row):
            self.stdout.write(chunk, ending="")
