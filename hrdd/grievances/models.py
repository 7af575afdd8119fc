"""A grievance channel, the cases reported through it, and what each case holds.

Everything that describes or could identify (the report, messages, notes, attachments) is
stored encrypted with the case's own data key (crypto.py); the rows keep only what handling
needs in clear: the state, the dates, the category. No row holds an address, a browser or
any other identifier of the reporter (docs/grievances.md).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from hrdd.organisations.models import Organisation
from hrdd.suppliers.models import Site


class Channel(models.Model):
    """A public place to report: for the whole program (the operator's), for a buyer, or for
    one of a buyer's supplier sites. Reports go to the handlers of `organisation` (the buyer
    or the operator), never to the supplier."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="grievance_channels"
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grievance_channels",
        verbose_name=_("supplier site"),
    )
    name = models.CharField(_("name shown to workers"), max_length=200)
    slug = models.SlugField(_("address"), max_length=20, unique=True)
    languages = models.JSONField(_("languages"), default=list)
    is_open = models.BooleanField(_("taking reports"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HandlerKey(models.Model):
    """A handler's key pair: the public half in clear, the private half locked with the
    handler's grievance passphrase (argon2id + SecretBox, crypto.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grievance_key"
    )
    public_key = models.BinaryField()
    locked_private_key = models.BinaryField()
    salt = models.BinaryField()
    opslimit = models.PositiveBigIntegerField()
    memlimit = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"key of {self.user}"


class Case(models.Model):
    """One report and what follows it, until it is closed and, later, deleted."""

    class Satisfaction(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="cases")
    language = models.CharField(max_length=10)
    # To the hour: enough for the deadlines, too coarse to match a web server's access log.
    received_at = models.DateTimeField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.RECEIVED)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    category = models.CharField(_("category"), max_length=40, blank=True)
    # The receipt: a keyed hash to find the case by, and the data key locked with the code.
    receipt_lookup = models.CharField(max_length=64, unique=True)
    receipt_salt = models.BinaryField()
    receipt_locked_key = models.BinaryField()
    # The report (JSON of the form's answers), encrypted with the data key.
    content = models.BinaryField()
    # Set (to the hour) when the report or a reply showed indicators of forced labour or
    # trafficking (redflags.py); which ones stays in the encrypted content.
    red_flagged_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    # Feedback to the reporter (EU Whistleblowing Directive, art. 9(1)(f)): the first reply
    # after the acknowledgement, or the outcome.
    feedback_at = models.DateTimeField(null=True, blank=True)
    # Reminders and escalations sent (reminders.py), each once: "acknowledge_reminder",
    # "acknowledge_escalation", "feedback_reminder", "feedback_escalation".
    reminders_sent = models.JSONField(default=list, blank=True)
    # The reporter's optional answer, once told the outcome: satisfied with the handling?
    satisfaction = models.CharField(max_length=10, choices=Satisfaction.choices, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"case {self.pk}"

    def acknowledge_due(self):
        return self.received_at + timedelta(days=settings.GRIEVANCE_ACKNOWLEDGE_DAYS)

    def feedback_due(self):
        return self.received_at + timedelta(days=settings.GRIEVANCE_FEEDBACK_DAYS)

    def acknowledge_overdue(self) -> bool:
        return self.acknowledged_at is None and timezone.now() > self.acknowledge_due()

    def feedback_overdue(self) -> bool:
        return (
            self.feedback_at is None
            and self.state != self.State.CLOSED
            and timezone.now() > self.feedback_due()
        )


class CaseKey(models.Model):
    """The case's data key sealed to one handler's public key."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="keys")
    handler_key = models.ForeignKey(HandlerKey, on_delete=models.CASCADE, related_name="+")
    sealed = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "handler_key"], name="casekey_unique")
        ]

    def __str__(self) -> str:
        return f"key of case {self.case_id}"


class Message(models.Model):
    """One turn of the conversation between the reporter and the handlers, or a handler's
    internal note (never shown to the reporter)."""

    class Kind(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        HANDLER = "handler", _("Handler")
        NOTE = "note", _("Internal note")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    body = models.BinaryField()

    class Meta:
        # Insertion order: a reporter's time is kept to the hour only (services._coarse_now),
        # so it cannot order a conversation.
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind} message on case {self.case_id}"


class Attachment(models.Model):
    """A file sent with the report, encrypted; images were re-encoded to drop their metadata.
    Kept in the database, so that deleting the case deletes it too."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    media_type = models.CharField(max_length=50)
    content = models.BinaryField()  # encrypted {name, bytes}
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"attachment {self.pk} of case {self.case_id}"


class CaseEvent(models.Model):
    """What happened to a case, and who did it: the audit trail. Never any content."""

    class Kind(models.TextChoices):
        RED_FLAG = "red_flag", _("Signs of forced labour or trafficking")
        STATE = "state", _("State changed")
        ASSIGNED = "assigned", _("Assigned")
        REMINDED = "reminded", _("Reminder sent")
        ESCALATED = "escalated", _("Escalated")
        FORWARDED = "forwarded", _("Summary forwarded to the supplier")
        FINDING = "finding", _("Finding recorded for a corrective action plan")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on case {self.case_id}"


class HelpContact(models.Model):
    """A hotline or support organisation a worker can turn to now, kept by the operator.
    Shown to reporters whose report shows signs of forced labour or trafficking."""

    country = CountryField(_("country"), blank=True, help_text=_("Empty: international."))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what they do"), blank=True)
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    source_url = models.URLField(_("source"))
    verified = models.BooleanField(_("verified"), default=False)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country", "name"]

    def __str__(self) -> str:
        return self.name
