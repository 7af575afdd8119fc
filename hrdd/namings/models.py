"""A buyer asks one supplier of its list to name its own suppliers, through a personal link;
what the supplier names waits for the buyer's review before anything reaches the list."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SupplierNamingRequest(models.Model):
    """One request, sent by e-mail as a personal link, that `supplier` names its suppliers.

    Only the hash of the link's token is stored (like InvitationToken). Opening the link
    changes nothing; the supplier sends its list once (`submitted_at`, `named`), and the
    buyer then adds it to its list or dismisses it (`closed_at`, `outcome`). What the
    supplier names is disclosed by design: the buyer sees it under the supplier's name
    (docs/privacy.md, "Suppliers named by a supplier"). Asking again replaces a link not
    answered yet, so that only the newest one works.
    """

    EXPIRY_DAYS = 30
    MAX_ROWS = 100

    class Outcome(models.TextChoices):
        ADDED = "added", _("Added to the list")
        DISMISSED = "dismissed", _("Dismissed")
        REPLACED = "replaced", _("Replaced by a newer request")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for the supplier")
        EXPIRED = "expired", _("Expired without an answer")
        TO_REVIEW = "to_review", _("Answered: waiting for your review")
        ADDED = "added", _("Added to the list")
        DISMISSED = "dismissed", _("Dismissed")
        REPLACED = "replaced", _("Replaced by a newer request")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.CASCADE,
        related_name="naming_requests",
        verbose_name=_("supplier"),
    )
    # The address and language the link was sent to and in (the list may change later).
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=10)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    submitted_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # The suppliers named, as entered: a list of {"name", "country", "email", "goods",
    # "region"}, in the supplier's order (row 1 first).
    named = models.JSONField(default=list, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    added_count = models.PositiveIntegerField(_("suppliers added"), default=0)

    class Meta:
        verbose_name = _("request to name suppliers")
        verbose_name_plural = _("requests to name suppliers")
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "-sent_at"], name="naming_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} ({self.sent_at:%Y-%m-%d})"

    @property
    def status(self) -> str:
        if self.outcome:
            return self.outcome
        if self.submitted_at:
            return self.Status.TO_REVIEW
        if timezone.now() >= self.expires_at:
            return self.Status.EXPIRED
        return self.Status.WAITING

    @property
    def status_label(self) -> str:
        return self.Status(self.status).label

    @property
    def is_open(self) -> bool:
        """The supplier can still answer."""
        return self.status == self.Status.WAITING
