"""A buyer's yearly statement under one law's structure (frameworks.py), and its versions.

Each save is a new version holding the buyer's text per section and the figures as they
were gathered at that moment (figures.gather: language-neutral codes and numbers, rendered
in the reader's language by render.py), so an old version reads as it was saved and the
versions list is the trail of who changed the statement and when."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hrdd.statements.frameworks import FRAMEWORKS


class Statement(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("reporting year"))
    framework = models.CharField(
        _("law"), max_length=20, choices=[(k, f["name"]) for k, f in FRAMEWORKS.items()]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "framework"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "framework"], name="statement_unique_year_law"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_framework_display()} {self.year}"


class StatementVersion(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    texts = models.JSONField(default=dict)  # section key -> the buyer's text
    figures = models.JSONField(default=dict)  # figures.gather's output when saved
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "number"], name="statement_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.statement} v{self.number}"
