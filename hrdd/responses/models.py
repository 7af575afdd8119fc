from django.db import models
from django.utils.translation import gettext_lazy as _

# A submitted response gets one Answer row per topic on which its answers signal a risk
# (question code "_risk.<topic>", option "any"): reports count the respondents with any risk
# signal on a topic with the same GROUP BY as options (docs/privacy.md, topic indicators).
# No question code starts with "_", so no question ever reads these rows.
RISK_SIGNAL_PREFIX = "_risk."
RISK_SIGNAL_OPTION = "any"

# Response.tally_run of a draft when its campaign was counted from scratch: to be counted by
# the report tally once submitted (reports.tally). NULL: not marked; above: the run's number.
TALLY_PENDING = 0


class Response(models.Model):
    """One supplier's answers to one campaign, from first save to submission.

    A draft keeps its answers as JSON (question code -> option code(s) or text) so that a
    half-finished or invalid form is never lost. Submitting copies them, in one transaction,
    into Answer rows, which are what reports count. The supplier reaches its response with a
    resume code; only the code's hash is stored.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="responses"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    language = models.CharField(max_length=10)
    code_hash = models.CharField(max_length=64, unique=True)
    draft = models.JSONField(default=dict)
    # Disclosed campaigns: who answers, and when it agreed that the buyer sees its answers.
    supplier_name = models.CharField(max_length=200, blank=True)
    supplier_country = models.CharField(max_length=2, blank=True)
    # From the buyer's supplier list when the supplier came through a personal link: the
    # dimensions a campaign may declare as report breakdowns (never shown per response).
    supplier_industry = models.CharField(max_length=30, blank=True)
    supplier_size = models.CharField(max_length=10, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    # Incremented on every save; a page posted from an older copy is detected, not applied blindly.
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The run of the report tally that counted this submitted response; 0: a draft when its
    # campaign was counted from scratch, to be counted once submitted (reports.tally).
    tally_run = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [
            models.Index(
                fields=["campaign", "status", "submitted_at"], name="response_campaign_idx"
            ),
            # Breakdowns: responses per group are counted from this index alone.
            models.Index(
                fields=[
                    "campaign",
                    "status",
                    "supplier_country",
                    "supplier_industry",
                    "supplier_size",
                ],
                name="response_dimensions_idx",
            ),
            # The submitted responses the tally has not marked: those above the id up to which
            # it counted the campaign from scratch are read as a range (reports.tally).
            models.Index(
                fields=["campaign", "id"],
                condition=models.Q(status="submitted", tally_run=None),
                name="response_untallied_idx",
            ),
            # Drafts when the campaign was counted from scratch, submitted since: few.
            models.Index(
                fields=["campaign"],
                condition=models.Q(status="submitted", tally_run=0),
                name="response_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"response {self.pk} ({self.status})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Answer(models.Model):
    """One submitted answer, in language-neutral codes: one row per chosen option.

    `campaign` is copied from the response so that per-question counts are one GROUP BY
    over the covering index (campaign, question_code, option_code), without a join.
    Only submitted responses have Answer rows.

    The response's supplier country, industry and size (the dimensions a campaign may
    declare as report breakdowns) are copied too, when the response is submitted, so that
    counts by group are one GROUP BY over answer_breakdown_idx, again without a join. A
    response's supplier fields are set when it is started and never change afterwards, so
    the copies cannot go stale.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    question_code = models.CharField(max_length=130)
    # Grid rows are stored as "question.row"; a number's band code goes in option_code.
    option_code = models.CharField(max_length=64, blank=True)
    number = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    text = models.TextField(blank=True)
    # Copies of the response's fields of the same names (see the docstring).
    supplier_country = models.CharField(max_length=2, blank=True)
    supplier_industry = models.CharField(max_length=30, blank=True)
    supplier_size = models.CharField(max_length=10, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            models.Index(
                fields=["campaign", "question_code", "option_code"], name="answer_count_idx"
            ),
            # Breakdowns: GROUP BY question, option and a prefix of the three dimensions.
            models.Index(
                fields=[
                    "campaign",
                    "question_code",
                    "option_code",
                    "supplier_country",
                    "supplier_industry",
                    "supplier_size",
                ],
                name="answer_breakdown_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question_code", "option_code"], name="answer_unique_option"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_code}={self.option_code or '…'}"


class AnswerCopy(models.Model):
    """A supplier sent the answers of one submitted response to another buyer's disclosed
    campaign (answer once, share with many): `target` was filled from `source` and submitted
    by the supplier's own action. Kept so that each receipt lists every buyer that received
    these answers. Never made for confidential campaigns: there, reusing answers leaves no
    link between the two responses (docs/privacy.md, "Answer once")."""

    source = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="copies_sent")
    target = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="copied_from")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shared copy of answers")
        verbose_name_plural = _("shared copies of answers")

    def __str__(self) -> str:
        return f"copy {self.source_id} -> {self.target_id}"
