"""The library of laws, regulations and guidance, kept as versions (an edit never overwrites
what buyers read before), and each buyer's answers to "which laws apply to us"."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Law(models.Model):
    """One instrument of the library, named by a stable code; its content is in its versions,
    the newest of which (`current`) is what buyers read."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    current = models.ForeignKey(
        "LawVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("law")
        verbose_name_plural = _("laws")

    def __str__(self) -> str:
        return self.code


class LawVersion(models.Model):
    """One version of a law's entry, never changed once written: each edit adds the next."""

    class Kind(models.TextChoices):
        LAW = "law", _("Law")
        REGULATION = "regulation", _("Regulation")
        GUIDANCE = "guidance", _("Guidance")
        STANDARD = "international_standard", _("International standard")

    law = models.ForeignKey(Law, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    short_name = models.CharField(_("short name"), max_length=120)
    title = models.CharField(_("full title"), max_length=300)
    jurisdiction = models.CharField(
        _("jurisdiction"),
        max_length=10,
        help_text=_("A country code (JP), EU, a state (US-CA) or INT for international."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    binding = models.BooleanField(_("legally binding"), default=True)
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)
    applies_from = models.DateField(
        _("duties apply from"),
        null=True,
        blank=True,
        help_text=_("When the duties start to bite, if later than the entry into force."),
    )
    rules = models.JSONField(_("who it applies to"), default=list)
    report = models.JSONField(_("report due"), default=dict, blank=True)
    topics = models.JSONField(_("risk topics"), default=list, blank=True)
    questions = models.JSONField(_("related questions"), default=list, blank=True)
    evidence = models.JSONField(_("evidence in the platform"), default=list, blank=True)
    source_url = models.URLField(_("official source"), max_length=500)
    summary_en = models.TextField(_("summary (English)"))
    summary_ja = models.TextField(_("summary (Japanese)"))
    obligations_en = models.TextField(_("what it asks for (English)"))
    obligations_ja = models.TextField(_("what it asks for (Japanese)"))
    note_en = models.TextField(_("notes (English)"), blank=True)
    note_ja = models.TextField(_("notes (Japanese)"), blank=True)
    review_by = models.DateField(_("review by"))
    to_verify = models.BooleanField(
        _("to verify"),
        default=False,
        help_text=_("Some of this entry's data is uncertain; the notes say what to check."),
    )
    change_note = models.CharField(_("what changed"), max_length=300)
    from_file = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["law", "-number"]
        verbose_name = _("law version")
        verbose_name_plural = _("law versions")
        constraints = [
            models.UniqueConstraint(fields=["law", "number"], name="law_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.short_name} v{self.number}"


class ApplicabilityAnswers(models.Model):
    """A buyer's answers to "which laws apply to us", one row per save (never edited), so that
    the newest is what applies and the older ones say who changed what and when."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    incorporated_in = models.CharField(_("incorporated in"), max_length=2)
    sells_in = models.JSONField(_("sells in"), default=list)
    imports_into = models.JSONField(_("imports into"), default=list)
    listed_in = models.JSONField(_("listed in"), default=list)
    turnover = models.DecimalField(_("annual turnover"), max_digits=18, decimal_places=0)
    currency = models.CharField(_("currency"), max_length=3)
    employees = models.PositiveIntegerField(_("employees"))
    year_end_month = models.PositiveSmallIntegerField(_("financial year ends in"))
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        ordering = ["-saved_at", "-pk"]
        verbose_name = _("applicability answers")
        verbose_name_plural = _("applicability answers")
        indexes = [models.Index(fields=["organisation", "-id"], name="laws_answers_org_idx")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.saved_at:%Y-%m-%d}"
