"""A buyer's log of its dialogue with stakeholders: meetings with workers' representatives,
unions, NGOs, communities or government, who took part (by role and organisation; a
person's name only with their recorded consent), the topics and concerns raised, the
commitments made and their follow-up, and the documents kept. Entries can be flagged for
the yearly statement (hrdd.statements reads them through selectors.statement_entries)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hrdd.remediation.models import TOPICS


class Engagement(models.Model):
    """One meeting or exchange with stakeholders."""

    class Group(models.TextChoices):
        WORKERS = "workers", _("Workers' representatives")
        UNION = "union", _("Trade union")
        NGO = "ngo", _("Non-governmental organisation")
        COMMUNITY = "community", _("Community")
        GOVERNMENT = "government", _("Government or public authority")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    group = models.CharField(_("stakeholder group"), max_length=20, choices=Group.choices)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    concerns = models.TextField(_("concerns raised"), blank=True)
    include_in_statement = models.BooleanField(_("include in the statement"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "held_on"], name="engagement_date_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def topic_labels(self) -> list[str]:
        return [str(TOPICS.get(t, t)) for t in self.topics]


class Participant(models.Model):
    """Who took part, by role and organisation. `name` is stored only when `name_consent`
    records that the person agreed to be named (services.participant_add refuses otherwise)."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="participants"
    )
    role = models.CharField(_("role"), max_length=120)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    name = models.CharField(_("name"), max_length=200, blank=True)
    name_consent = models.BooleanField(_("agreed to be named"), default=False)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(name="") | models.Q(name_consent=True),
                name="participant_name_needs_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role}, {self.organisation_name}"


class Commitment(models.Model):
    """Something the buyer promised in a meeting, who owns it, by when, and where it stands."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="commitments")
    description = models.TextField(_("commitment"))
    owner = models.CharField(_("owner"), max_length=200)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    follow_up = models.TextField(_("follow-up"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)


class EngagementDocument(models.Model):
    """A PDF kept with a meeting (minutes, a letter), checked like the cycle's documents."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    filename = models.CharField(_("file"), max_length=255)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class DialogueEvent(models.Model):
    """The audit trail: who changed what in the log, and when. `detail` names the object by
    its title or role, never by a participant's name."""

    class Action(models.TextChoices):
        CREATED = "created", _("Meeting recorded")
        EDITED = "edited", _("Meeting edited")
        PARTICIPANT = "participant_added", _("Participant added")
        COMMITMENT = "commitment_added", _("Commitment added")
        FOLLOW_UP = "commitment_updated", _("Commitment followed up")
        DOCUMENT = "document_added", _("Document added")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.detail}"
