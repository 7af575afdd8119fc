from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportRelease(models.Model):
    """A stored Summary Report: what the buyer sees, already filtered by the policy.

    Buyers never see live counts. A release is made when enough new responses have arrived
    since the previous one (at least the campaign's minimum) or at close, so that comparing two
    releases never isolates fewer than that many suppliers. `content` holds only what the
    policy allowed to be shown; raw counts are never stored here.
    """

    class Reason(models.TextChoices):
        BATCH = "batch", _("New batch of responses")
        CLOSE = "close", _("Campaign closed")

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="report_releases"
    )
    number = models.PositiveIntegerField()
    response_count = models.PositiveIntegerField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report release")
        verbose_name_plural = _("report releases")
        ordering = ["campaign", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="release_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} release {self.number} ({self.response_count} responses)"
