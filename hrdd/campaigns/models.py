from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrdd.core.tokens import new_slug


class Campaign(models.Model):
    """A buyer's round of asking its suppliers one pinned questionnaire version.

    Confidential (the default): the buyer only ever sees aggregates released by the
    confidentiality policy (hrdd.policy), never one supplier's answers or who answered.
    Disclosed: each supplier is told before answering which buyer will see its answers, under
    its company name, and agrees or declines; a buyer on the paid plan then sees per-supplier
    reports, every access to which is audited. The mode cannot change once anyone answered.
    """

    class Mode(models.TextChoices):
        CONFIDENTIAL = "confidential", _("Confidential: aggregated results only")
        DISCLOSED = "disclosed", _("Disclosed: suppliers agree to share their answers with you")

    class Breakdown(models.TextChoices):
        COUNTRY = "country", _("Supplier country")
        INDUSTRY = "industry", _("Supplier industry")
        SIZE = "size", _("Supplier size")

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Not open yet")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="campaigns",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    mode = models.CharField(
        _("confidentiality"), max_length=20, choices=Mode.choices, default=Mode.CONFIDENTIAL
    )
    questionnaire_version = models.ForeignKey(
        "questionnaires.QuestionnaireVersion",
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("questionnaire version"),
    )
    public_slug = models.CharField(
        _("response URL key"), max_length=32, unique=True, default=new_slug, editable=False
    )
    languages = models.JSONField(_("languages"), default=list)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    min_responses = models.PositiveSmallIntegerField(
        _("minimum responses per figure"),
        default=settings.CONFIDENTIALITY_DEFAULT_MIN_RESPONSES,
        validators=[MinValueValidator(settings.CONFIDENTIALITY_MIN_RESPONSES_FLOOR)],
    )
    # Breakdowns the Summary Report may show, declared before anyone answers (DESIGN: no
    # dimension chosen after seeing the data). Values from Campaign.Breakdown.
    breakdowns = models.JSONField(_("report breakdowns"), default=list, blank=True)
    # Automatic reminders to suppliers invited by personal link who have not answered yet:
    # days before the close date, e.g. [7, 2].
    reminder_days = models.JSONField(_("reminder days before close"), default=list, blank=True)
    launched_at = models.DateTimeField(_("personal links sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="campaign_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(min_responses__gte=settings.CONFIDENTIALITY_MIN_RESPONSES_FLOOR),
                name="campaign_min_responses_floor",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return self.State.SCHEDULED
        if now >= self.closes_at:
            return self.State.CLOSED
        return self.State.OPEN

    def get_state_display(self) -> str:
        return self.State(self.state()).label

    @property
    def is_disclosed(self) -> bool:
        return self.mode == self.Mode.DISCLOSED

    @property
    def uses_personal_links(self) -> bool:
        """Personal links were sent: from then on the response URL takes no new responses."""
        return self.launched_at is not None

    @property
    def is_open(self) -> bool:
        return self.state() == self.State.OPEN

    def response_path(self) -> str:
        return reverse("responses:landing", kwargs={"slug": self.public_slug})

    def response_url(self) -> str:
        return settings.SITE_URL + self.response_path()
