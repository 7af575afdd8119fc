from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from hrdd.campaigns.models import Campaign
from hrdd.invitations import reminders


@task()
def send_reminders(*, campaign_id: int, key: str) -> int | None:
    """One round of reminders, once, however often this runs (see reminders.reminders_send).

    An automatic reminder ("7d") that finds the close date moved later waits for its new date.
    """
    campaign = Campaign.objects.select_related("organisation").filter(pk=campaign_id).first()
    if campaign is None:
        return None
    if key.endswith("d") and key[:-1].isdigit():
        due = campaign.closes_at - timedelta(days=int(key[:-1]))
        if due > timezone.now() + timedelta(minutes=1):
            send_reminders.using(run_after=due).enqueue(campaign_id=campaign_id, key=key)
            return None
    return reminders.reminders_send(campaign=campaign, key=key)
