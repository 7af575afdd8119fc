"""A stored inherent-risk assessment: what the method gave, from which editions, by whom."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskAssessment(models.Model):
    """The output of hrdd/risk/method.py over given dataset editions, stored so that loading
    a newer edition never changes what a page shows: recomputing is an explicit action that
    makes a new assessment."""

    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    method_version = models.CharField(_("method version"), max_length=20)
    edition_ids = models.JSONField(_("editions used"), default=dict)  # dataset code → edition id
    results = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")

    def __str__(self) -> str:
        return f"{self.method_version} {self.created_at:%Y-%m-%d %H:%M}"
