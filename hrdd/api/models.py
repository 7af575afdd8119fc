from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a token may do. Reads and writes are separate so that a reporting tool never
    holds a key that can change the supplier list. Each resource added to the API adds its
    scope here (docs/api.md)."""

    SUPPLIERS_READ = "suppliers:read", _("Read the supplier list")
    SUPPLIERS_WRITE = "suppliers:write", _("Add and change suppliers")
    CAMPAIGNS_READ = "campaigns:read", _("Read campaigns and their progress")
    CAMPAIGNS_WRITE = "campaigns:write", _("Create and launch campaigns")
    REPORTS_READ = "reports:read", _("Read released Summary Reports")
    DETAILED_READ = (
        "detailed:read",
        _("Read Detailed Reports: the answers of suppliers who agreed to share them (audited)"),
    )
    FINDINGS_READ = "findings:read", _("Read findings and corrective action plans")
    GRIEVANCES_READ = "grievances:read", _("Read grievance channel statistics")
    RISK_READ = "risk:read", _("Read suppliers' risk priorities")


class ApiToken(models.Model):
    """A key that one of the buyer's systems (ERP, procurement, BI) uses to call the API.

    Only a SHA-256 digest of the secret is stored, with its first characters (`prefix`) so
    that the owner can tell keys apart; the secret is shown once, when the key is made.
    A key acts for the organisation with its scopes only, until it expires or is revoked.
    Who made and revoked it, and when it was last used, stay on the row (the key's audit).
    """

    PREFIX = "hrdd_"
    PREFIX_LENGTH = 12

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key starts with"), max_length=20)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scopes]
