"""Operator insights the operator chose to publish."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InsightPublication(models.Model):
    """A snapshot of operator insights the operator chose to publish on a public page.

    Stored as released (policy output only), so the public page never changes by itself and
    never shows more than the operator reviewed.
    """

    slug = models.SlugField(unique=True)
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire", on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(max_length=30, blank=True)
    title = models.CharField(max_length=200)
    content = models.JSONField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table kept the name it had in the reports app (migration 0001).
        db_table = "reports_insightpublication"
        verbose_name = _("published insight")
        verbose_name_plural = _("published insights")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title
