"""Public reference data (DOL lists, TIP tiers, WGI, ...) kept as versioned editions.

Every figure belongs to one edition, which carries its source, licence and file hash, so a
page can always say where a value came from and an assessment can say which edition it used.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Dataset(models.Model):
    """One kind of reference data (e.g. the TVPRA list); its column spec lives in specs.py."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self) -> str:
        return self.name


class DatasetEdition(models.Model):
    """One published edition of a dataset with its provenance. Never changed once loaded:
    a newer edition is a new row, and only `is_current` moves."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="editions")
    edition = models.CharField(_("edition"), max_length=50)
    source = models.TextField(_("source"))
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    licence = models.TextField(_("licence"))
    notes = models.TextField(_("notes"), blank=True)
    sha256 = models.CharField(_("file SHA-256"), max_length=64)
    row_count = models.PositiveIntegerField(_("rows"))
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        ordering = ["dataset__code", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "edition"], name="edition_unique"),
            models.UniqueConstraint(
                fields=["dataset"], condition=models.Q(is_current=True), name="one_current_edition"
            ),
        ]
        verbose_name = _("dataset edition")
        verbose_name_plural = _("dataset editions")

    def __str__(self) -> str:
        return f"{self.dataset.name} {self.edition}"


class DatasetRow(models.Model):
    """One row of an edition, with its columns under their canonical names."""

    edition = models.ForeignKey(DatasetEdition, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("row number in the file"))
    country_iso2 = models.CharField(max_length=2, blank=True, db_index=True)
    values = models.JSONField(default=dict)

    class Meta:
        ordering = ["edition", "number"]
        indexes = [models.Index(fields=["edition", "country_iso2"], name="row_edition_country_idx")]

    def __str__(self) -> str:
        return f"{self.edition} #{self.number}"
