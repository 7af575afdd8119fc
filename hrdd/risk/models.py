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


class PriorityRun(models.Model):
    """One ranking of one buyer's suppliers against one stored assessment. Pages read the
    latest finished run; computing is the task worker's (hrdd/risk/tasks.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be computed")
        DONE = "done", _("Computed")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    assessment = models.ForeignKey(
        RiskAssessment, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    # The list as the run read it: a later change to the list shows the ranking as stale.
    supplier_count = models.PositiveIntegerField(default=0)
    list_signature = models.CharField(max_length=200, blank=True)
    levels = models.JSONField(default=dict)  # level -> how many suppliers
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("supplier ranking")
        verbose_name_plural = _("supplier rankings")
        indexes = [models.Index(fields=["organisation", "status"], name="priority_run_idx")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.created_at:%Y-%m-%d %H:%M}"


class SupplierPriority(models.Model):
    """One supplier's place in a run: its score, level, driving topic and the compact
    explanation of priorities.Prioritiser.score."""

    run = models.ForeignKey(PriorityRun, on_delete=models.CASCADE, related_name="rows")
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField()
    score = models.FloatField()
    level = models.CharField(max_length=10)
    topic = models.CharField(max_length=30)
    tier = models.PositiveSmallIntegerField(default=1)
    why = models.JSONField(default=dict)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint("run", "rank", name="supplier_priority_rank_unique"),
        ]
        indexes = [
            models.Index(fields=["run", "supplier"], name="supplier_priority_supplier_idx"),
            models.Index(fields=["run", "level", "rank"], name="supplier_priority_level_idx"),
            models.Index(fields=["run", "tier", "rank"], name="supplier_priority_tier_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.rank} {self.supplier_id}"


class PriorityAdjustment(models.Model):
    """The buyer's own judgement on one supplier's priority, with its reason: points added
    to (or taken from) the computed score. Never edited or deleted: a withdrawal is recorded
    on the entry, a new adjustment withdraws the previous one, and the history stays."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.CASCADE, related_name="priority_adjustments"
    )
    points = models.SmallIntegerField(_("points"))
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("priority adjustment")
        verbose_name_plural = _("priority adjustments")
        indexes = [
            models.Index(fields=["organisation", "withdrawn_at"], name="priority_adjustment_idx")
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id} {self.points:+d}"
