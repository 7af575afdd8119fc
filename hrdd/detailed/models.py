"""The record of every access to identifiable supplier data (disclosed campaigns)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One access to identifiable supplier data (disclosed campaigns): who, what, when.

    Written by every view and export of per-supplier data; read by the buyer's owner and by
    the operator. Rows are never updated or deleted by the application.
    """

    class Action(models.TextChoices):
        SUPPLIER_LIST = "supplier_list", _("Viewed the supplier table")
        SUPPLIER_ANSWERS = "supplier_answers", _("Viewed one supplier's answers")
        EXPORT_CSV = "export_csv", _("Exported all answers (CSV)")
        EXPORT_XLSX = "export_xlsx", _("Exported all answers (XLSX)")
        EXPORT_PDF = "export_pdf", _("Exported one supplier's answers (PDF)")
        SUPPLIER_STATUS = "supplier_status", _("Viewed who has answered (personal links)")

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="audit_entries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_entries"
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    response = models.ForeignKey(
        "responses.Response", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    supplier_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        # The table kept the name it had in the reports app (migration 0001).
        db_table = "reports_auditentry"
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user} {self.action}"
