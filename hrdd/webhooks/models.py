"""Webhook endpoints a buyer's owners register, and the deliveries made to them.

The signing secret is stored as it is: signing needs it (HMAC), so it cannot be hashed like an
API key. Whoever can read the database (its administrators, backups) can read it; it is never
written to a log, shown again after it is made, or part of a model's repr (docs/webhooks.md).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """What an endpoint can subscribe to. Payloads hold ids, names of campaigns, figures the
    pages already show and links, never an answer or a grievance's text (docs/webhooks.md)."""

    REPORT_RELEASED = "report.released", _("A Summary Report release is made")
    CAMPAIGN_CLOSED = "campaign.closed", _("A campaign closes")
    CAP_OVERDUE = "cap.overdue", _("A corrective action plan or one of its actions is overdue")
    CASE_ACKNOWLEDGED = "grievance.case_acknowledged", _("A grievance case is acknowledged")
    TEST = "webhook.test", _("Test event (the “Send test event” button)")


# The events an owner can choose; the test event goes only where its button is pressed.
SUBSCRIBABLE = [choice for choice in EventType.choices if choice[0] != EventType.TEST]


class WebhookEndpoint(models.Model):
    """An HTTPS address of a buyer's system that receives the events it subscribed to.

    `active` is off when an owner turned it off or after WEBHOOKS_DISABLE_AFTER failed attempts
    in a row (`disabled_reason` says which, `disabled_at` when); an owner turns it back on.
    """

    class DisabledReason(models.TextChoices):
        OWNER = "owner", _("Turned off by an owner")
        FAILURES = "failures", _("Turned off after too many failed deliveries in a row")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("organisation"),
    )
    url = models.URLField(_("address (URL)"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=100)
    active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=20, choices=DisabledReason.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:  # never the secret
        return f"<WebhookEndpoint {self.pk} {self.url}>"

    def event_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels.get(event, event)) for event in self.events]


class WebhookDelivery(models.Model):
    """One event for one endpoint: one row, created in the transaction of the event itself,
    whatever happens to its attempts. `message_id` is the `webhook-id` header: every attempt,
    including one repeated after a worker crashed, carries the same id, so that the receiver
    can drop a repeat. `event_key` makes an event emitted twice (a task run twice) one row."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will be retried")
        GIVEN_UP = "given_up", _("Given up")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField(max_length=50, choices=EventType.choices)
    event_key = models.CharField(max_length=200)
    payload = models.JSONField()
    message_id = models.CharField(max_length=40, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_key"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [
            # The worker's query: due rows (queued or failed) by time.
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.message_id}"
