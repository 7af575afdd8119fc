from django.core.management.base import BaseCommand

from hrdd.remediation import reminders


class Command(BaseCommand):
    help = (
        "Send every reminder (plans and actions due soon) and escalation (overdue) not sent yet; "
        "safe to run daily beside the scheduled tasks, each goes out once per due date."
    )

    def handle(self, *args, **options):
        reminded, escalated = reminders.due_dates_check()
        self.stdout.write(f"{reminded} reminder(s) and {escalated} escalation(s) queued.")
