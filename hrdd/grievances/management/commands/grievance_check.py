from django.core.management.base import BaseCommand

from hrdd.grievances import reminders, retention


class Command(BaseCommand):
    help = (
        "Send the grievance reminders and escalations due (acknowledge within 7 days, feedback "
        "within 3 months) and delete the cases past their retention; safe to run daily."
    )

    def handle(self, *args, **options):
        reminded, escalated = reminders.cases_check()
        deleted = retention.cases_delete_expired()
        self.stdout.write(
            f"{reminded} reminder(s), {escalated} escalation(s) queued; {deleted} case(s) deleted."
        )
