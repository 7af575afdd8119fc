from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportRelease(models.Model):
    """A stored Summary Report: what the buyer sees, already filtered by the policy.

    Buyers never see live counts. A release is made when enough new responses have arrived
    since the previous one (at least the campaign's minimum) or at close, so that comparing two
    releases never isolates fewer than that many suppliers. `content` holds only what the
    policy allowed to be shown; raw counts are never stored here.
    """

    class Reason(models.TextChoices):
        BATCH = "batch", _("New batch of responses")
        CLOSE = "close", _("Campaign closed")

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="report_releases"
    )
    number = models.PositiveIntegerField()
    response_count = models.PositiveIntegerField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report release")
        verbose_name_plural = _("report releases")
        ordering = ["campaign", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="release_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} release {self.number} ({self.response_count} responses)"


class Tally(models.Model):
    """How far the counts of a campaign's submitted answers go (see reports.tally).

    Raw counts: only hrdd.policy may turn them into output.
    """

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # The number of the last run; each marks the responses it counted with its number.
    runs = models.PositiveIntegerField(default=0)
    responses = models.PositiveIntegerField(default=0)
    # The highest response id when the campaign was last counted from scratch: a submitted
    # response up to it with no run number was counted then, without a mark (0: none).
    counted_to_id = models.PositiveBigIntegerField(db_default=0, editable=False)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")

    def __str__(self) -> str:
        return f"tally of campaign {self.campaign_id} ({self.responses} responses)"


class _TallyCount(models.Model):
    """A count of one campaign's tally for one supplier group (country, industry, size:
    the fields of the same names on responses and answers)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    supplier_country = models.CharField(max_length=2, blank=True)
    supplier_industry = models.CharField(max_length=30, blank=True)
    supplier_size = models.CharField(max_length=10, blank=True)
    n = models.PositiveIntegerField()
    # `n` when the campaign's latest release was made: the next release measures n -
    # released_n, the batch of responses counted since, so that each response is measured in
    # one release only (docs/privacy.md: parallel composition).
    released_n = models.PositiveIntegerField(db_default=0)

    class Meta:
        abstract = True


class TallyCell(_TallyCount):
    """Submitted answers of a campaign with one question, option and supplier group."""

    question_code = models.CharField(max_length=130)
    option_code = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("tally cell")
        verbose_name_plural = _("tally cells")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "campaign",
                    "question_code",
                    "option_code",
                    "supplier_country",
                    "supplier_industry",
                    "supplier_size",
                ],
                name="tally_cell_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_code}={self.option_code or '…'}: {self.n}"


class TallyGroup(_TallyCount):
    """Submitted responses of a campaign with one supplier country, industry and size."""

    class Meta:
        verbose_name = _("tally group")
        verbose_name_plural = _("tally groups")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "supplier_country", "supplier_industry", "supplier_size"],
                name="tally_group_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier_country}/{self.supplier_industry}/{self.supplier_size}: {self.n}"


class PrivacyReservation(models.Model):
    """The privacy budget a campaign took from its buyer's budget for one questionnaire and
    accounting year (the ledger of docs/privacy.md).

    One supplier may answer several campaigns of the same buyer, with answers that say the
    same thing: so the buyer's campaigns on one questionnaire in one year share one budget
    (PRIVACY_EPSILON). A campaign reserves what is left when its first release is made and
    every release of it measures within that reservation. Rows are never changed.
    """

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    questionnaire_code = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    epsilon = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("privacy budget reservation")
        verbose_name_plural = _("privacy budget reservations")
        indexes = [
            models.Index(
                fields=["organisation", "questionnaire_code", "year"], name="privacy_ledger_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.year}: epsilon {self.epsilon:.2f}"
