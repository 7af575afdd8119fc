"""A buyer's own due-diligence documents: its policies (OECD step 1) and the statements it
published (step 5), kept as uploaded, with who uploaded them and when."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyDocument(models.Model):
    class Kind(models.TextChoices):
        POLICY = "policy", _("Human-rights policy")
        CODE = "code", _("Supplier code of conduct")
        PROCEDURE = "procedure", _("Due-diligence procedure or management system")
        STATEMENT = "statement", _("Published statement or due-diligence report")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    adopted_on = models.DateField(
        _("adopted or published on"),
        help_text=_("When the board or management adopted it, or when it was published."),
    )
    public_url = models.URLField(
        _("where it is published"),
        max_length=500,
        blank=True,
        help_text=_("The address on your website, if it is public."),
    )
    filename = models.CharField(_("file"), max_length=255)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-adopted_on", "-pk"]
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        indexes = [models.Index(fields=["organisation", "kind"], name="policy_document_kind_idx")]

    def __str__(self) -> str:
        return self.title
