from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from hrdd.webhooks.delivery import webhooks_deliver
from hrdd.webhooks.tasks import deliver_webhooks_at


class Command(BaseCommand):
    help = _("Send every due webhook delivery once (the worker does this on its own).")

    def handle(self, *args, **options):
        counts = webhooks_deliver(schedule=deliver_webhooks_at)
        for status, n in sorted(counts.items()):
            self.stdout.write(f"{status}: {n}")
