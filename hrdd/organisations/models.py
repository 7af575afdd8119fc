from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Industry(models.TextChoices):
    """Sectors of buyers and suppliers; coarse on purpose (used for breakdowns later)."""

    APPAREL = "apparel", _("Apparel, textiles and footwear")
    ELECTRONICS = "electronics", _("Electronics")
    FOOD = "food", _("Food and beverages")
    AGRICULTURE = "agriculture", _("Agriculture")
    FISHERIES = "fisheries", _("Fisheries and seafood")
    AUTOMOTIVE = "automotive", _("Automotive and machinery")
    CHEMICALS = "chemicals", _("Chemicals and plastics")
    CONSTRUCTION = "construction", _("Construction and building materials")
    RETAIL = "retail", _("Retail and consumer goods")
    SERVICES = "services", _("Services and logistics")
    OTHER = "other", _("Other")


class SupplierCountBand(models.TextChoices):
    B1 = "1-9", _("Fewer than 10")
    B10 = "10-49", _("10 to 49")
    B50 = "50-199", _("50 to 199")
    B200 = "200-999", _("200 to 999")
    B1000 = "1000+", _("1,000 or more")


class Organisation(models.Model):
    """A tenant: the program operator (one) or a buyer company (many)."""

    class Kind(models.TextChoices):
        OPERATOR = "operator", _("Program operator")
        BUYER = "buyer", _("Buyer")

    class Plan(models.TextChoices):
        FREE = "free", _("Free")
        PAID = "paid", _("Paid")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BUYER)
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"), blank=True)
    industry = models.CharField(_("industry"), max_length=30, choices=Industry.choices, blank=True)
    plan = models.CharField(_("plan"), max_length=10, choices=Plan.choices, default=Plan.FREE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in an organisation. Access to anything tenant-scoped goes through this."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        ADMIN = "admin", _("Administrator")
        ANALYST = "analyst", _("Analyst")
        VIEWER = "viewer", _("Viewer")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"

    @property
    def can_edit(self) -> bool:
        """Owners and administrators change campaigns; analysts and viewers only read."""
        return self.role in {self.Role.OWNER, self.Role.ADMIN}


class Application(models.Model):
    """A business's request to join the program, reviewed by the operator."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    organisation_name = models.CharField(_("organisation name"), max_length=200)
    country = CountryField(_("country"))
    industry = models.CharField(_("industry"), max_length=30, choices=Industry.choices)
    contact_name = models.CharField(_("contact person"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    supplier_count = models.CharField(
        _("approximate number of suppliers"), max_length=10, choices=SupplierCountBand.choices
    )
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire",
        on_delete=models.PROTECT,
        verbose_name=_("questionnaire"),
        related_name="applications",
    )
    languages = models.JSONField(_("languages for suppliers"), default=list)
    language = models.CharField(_("language of correspondence"), max_length=10, default="en")
    terms_accepted_at = models.DateTimeField(_("terms accepted at"))
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("organisation"),
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"], name="application_status_idx")]

    def __str__(self) -> str:
        return f"{self.organisation_name} ({self.get_status_display()})"
