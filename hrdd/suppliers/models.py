from datetime import timedelta

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from hrdd.organisations.models import Industry


class SizeBand(models.TextChoices):
    """Number of workers at the supplier; coarse bands, usable as a report breakdown."""

    MICRO = "1-9", _("1 to 9 workers")
    SMALL = "10-49", _("10 to 49 workers")
    MEDIUM = "50-249", _("50 to 249 workers")
    LARGE = "250-999", _("250 to 999 workers")
    VERY_LARGE = "1000+", _("1,000 workers or more")


class SpendBand(models.TextChoices):
    """What the buyer spends with the supplier in a year (or the equivalent volume share)."""

    LOW = "low", _("Low (a small share of spend or volume)")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High (one of the largest shares of spend or volume)")


class MigrantShare(models.TextChoices):
    """Share of the supplier's workers who are migrant workers, where known."""

    UNKNOWN = "unknown", _("Unknown")
    NONE = "0", _("None")
    SOME = "1-25", _("Up to a quarter")
    MANY = "26-50", _("A quarter to a half")
    MOST = "51-100", _("More than half")


MAX_TIER = 5
GOODS_SEPARATOR = ";"


def goods_split(text: str) -> list[str]:
    """Goods names from free text separated by ";" or new lines: trimmed, blanks and
    repeats (ignoring case) dropped, each kept as written."""
    seen: set[str] = set()
    goods = []
    for part in text.replace("\n", GOODS_SEPARATOR).split(GOODS_SEPARATOR):
        name = " ".join(part.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            goods.append(name)
    return goods


def goods_key(name: str) -> str:
    """How goods names are compared (with each other, later with a list of goods)."""
    return " ".join(name.split()).casefold()


class Supplier(models.Model):
    """One entry of a buyer's supplier list: a company and the contact the platform writes to.

    The buyer owns its list. The e-mail address is unique within the list (ignoring case).
    Country, industry and size are what a campaign may declare as report breakdowns.
    The industry is the supplier's sector; the size band its workforce. Tier, goods, spend
    and migrant share are what prioritising by risk needs. A supplier that supplies another
    one of the list (SupplierLink) has its tier computed from its customers' tiers.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="suppliers",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"))
    industry = models.CharField(_("industry"), max_length=30, choices=Industry.choices, blank=True)
    size_band = models.CharField(_("size"), max_length=10, choices=SizeBand.choices, blank=True)
    tier = models.PositiveSmallIntegerField(
        _("tier"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TIER)],
        help_text=_(
            "1 for a direct supplier, 2 for a supplier of a direct supplier, and so on. "
            "Computed for a supplier linked to its customers."
        ),
    )
    goods = models.CharField(
        _("goods"),
        max_length=1000,
        blank=True,
        help_text=_("The goods it supplies or produces, separated by semicolons (;)."),
    )
    spend_band = models.CharField(
        _("spend or volume"), max_length=10, choices=SpendBand.choices, blank=True
    )
    migrant_share = models.CharField(
        _("migrant workers"),
        max_length=10,
        choices=MigrantShare.choices,
        default=MigrantShare.UNKNOWN,
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("preferred language"), max_length=10, default="en")
    # The buyer's own key for the supplier (its ERP or procurement system's supplier number):
    # what the API's bulk upsert matches rows on. Unique within the list when given.
    reference = models.CharField(
        _("your reference"),
        max_length=100,
        blank=True,
        help_text=_("Your own key for this supplier, such as its number in your ERP system."),
    )
    # Set from the link in every e-mail: no more reminders, for any campaign of this buyer.
    reminders_opted_out_at = models.DateTimeField(
        _("opted out of reminders at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "organisation", Lower("email"), name="supplier_unique_email_per_buyer"
            ),
            models.UniqueConstraint(
                "organisation",
                "reference",
                condition=~models.Q(reference=""),
                name="supplier_unique_reference_per_buyer",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def goods_list(self) -> list[str]:
        return goods_split(self.goods)


class Site(models.Model):
    """A place where a supplier works (a factory, a farm, a warehouse): where risk is."""

    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="sites", verbose_name=_("supplier")
    )
    name = models.CharField(_("site name"), max_length=200)
    country = CountryField(_("country"))
    region = models.CharField(_("region or province"), max_length=200, blank=True)
    goods = models.CharField(
        _("goods"),
        max_length=1000,
        blank=True,
        help_text=_("The goods made here, separated by semicolons (;)."),
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class SupplierLink(models.Model):
    """ "`supplier` supplies `customer`": two entries of one buyer's list, the map of tiers.

    Links never form a loop (services.supplier_link_add refuses one, naming it), so the
    tiers can be computed: a supplier of a tier-n supplier is tier n+1.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="customer_links")
    customer = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="supplier_links")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supplier link")
        verbose_name_plural = _("supplier links")
        constraints = [
            models.UniqueConstraint("supplier", "customer", name="supplier_link_unique"),
            models.CheckConstraint(
                condition=~models.Q(supplier=models.F("customer")), name="supplier_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} → {self.customer}"


class SupplierImport(models.Model):
    """An uploaded supplier file, checked row by row and held until the buyer confirms.

    Nothing reaches the supplier list before confirmation; then every valid row is added in
    one transaction, so a file is never half-imported. The checked rows are kept here, on
    the server, so the buyer can leave and come back to confirm without uploading again, but
    only for PREVIEW_DAYS: after that the list may have changed, and the file is checked again.
    """

    PREVIEW_DAYS = 7

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        IMPORTED = "imported", _("Imported")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=255)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PREVIEW
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    # Valid rows, normalised: a list of dicts with the Supplier fields and the file's row number.
    rows = models.JSONField(default=list)
    # Problems: a list of {"row": n, "field": name, "message": text, "severity": error|warning}.
    problems = models.JSONField(default=list)
    imported_count = models.PositiveIntegerField(_("imported"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplier import")
        verbose_name_plural = _("supplier imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def expires_at(self):
        return self.created_at + timedelta(days=self.PREVIEW_DAYS)

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.PREVIEW and timezone.now() >= self.expires_at


class SupplierChange(models.Model):
    """One change to a buyer's supplier list, for the audit log: a field edited (address,
    name, country, industry, size, contact, language), an entry removed, or an entry added
    or linked from what a supplier named as its own suppliers (hrdd/namings).

    The buyer controls the addresses and attributes that personal links and report
    breakdowns rely on; this log lets the operator (and the buyer's owner) see every such
    change, e.g. an address pointed at the buyer's own mailbox. Rows are never updated or
    deleted by the application; they outlive the supplier entry.
    """

    class Action(models.TextChoices):
        CHANGED = "changed", _("Changed")
        REMOVED = "removed", _("Removed from the list")
        ADDED = "added", _("Added to the list")
        LINKED = "linked", _("Linked in the supply chain")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    supplier_name = models.CharField(_("supplier"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    field = models.CharField(_("field"), max_length=30, blank=True)
    old_value = models.CharField(_("before"), max_length=254, blank=True)
    new_value = models.CharField(_("after"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("supplier list change")
        verbose_name_plural = _("supplier list changes")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="supplier_change_org_idx")
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.supplier_name} {self.field or self.action}"

    @property
    def field_label(self) -> str:
        """The changed field's name as the supplier form shows it."""
        try:
            return str(Supplier._meta.get_field(self.field).verbose_name)
        except FieldDoesNotExist:
            return self.field
