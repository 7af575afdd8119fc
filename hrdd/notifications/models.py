from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """Every e-mail the platform sends, rendered in the recipient's language and then sent
    by a task. The row is the record of delivery: claimed with a conditional update so two
    workers never send it twice, retried with backoff on temporary failures.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        CLAIMED = "claimed", _("Claimed by a worker")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Failed temporarily, will retry")
        FAILED = "failed", _("Failed permanently")

    to = models.EmailField(_("recipient"))
    # Campaign mail (invitations, reminders): counted per campaign for the buyer.
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    template = models.CharField(_("template"), max_length=100)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    # Bulk mail (invitations, reminders) is queued with plain values and rendered by the worker
    # at sending time, so queueing 10,000 messages is one bulk insert.
    context = models.JSONField(default=dict, blank=True)
    # Messages carrying a login, resume or personal link have bodies and context erased once sent.
    contains_secret = models.BooleanField(default=False)
    # The address was typed by an anonymous visitor for this message only (a supplier's
    # resume link): erased once sent, so no answer can be tied to it afterwards.
    erase_recipient = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # Set with the claim (a random token per worker batch); see outbox.outbox_deliver.
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound e-mail")
        verbose_name_plural = _("outbound e-mails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="email_status_idx"),
            models.Index(fields=["claim_token"], name="email_claim_idx"),
            models.Index(fields=["campaign", "template", "status"], name="email_campaign_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.to} ({self.status})"
