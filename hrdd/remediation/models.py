"""Findings about a named supplier and the corrective action plans (CAPs) that answer them.

A finding exists only where the buyer knows the supplier's identity (its own observation, a
site visit, an audit report, or a disclosed and consented questionnaire answer): nothing in a
confidential campaign can create one (services.finding_create asks `hrdd.policy`). The
supplier works on its CAP through a personal link (CapToken, only the hash stored); every
step is written to the finding's timeline.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Topics of findings: the risk topics (docs/risk.md) and the other chapters of an RBA audit.
TOPICS = {
    "forced_labour": _("Forced labour"),
    "child_labour": _("Child labour"),
    "migrant_recruitment": _("Migrant workers and recruitment fees"),
    "wages_hours": _("Wages and working hours"),
    "health_safety": _("Health and safety"),
    "freedom_of_association": _("Freedom of association"),
    "discrimination": _("Discrimination"),
    "environment": _("Environment"),
    "ethics": _("Ethics"),
    "management_system": _("Management system"),
    "other": _("Other"),
}


class RemediationSettings(models.Model):
    """A buyer's timelines, RBA practice by default: a CAP within 14 days of the finding,
    priority findings acted on within 7 days, a reminder 3 days before an action is due."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    cap_days = models.PositiveSmallIntegerField(_("days to propose a CAP"), default=14)
    priority_days = models.PositiveSmallIntegerField(
        _("days to act on a priority finding"), default=7
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("days before a due date to remind the supplier"), default=3
    )

    class Meta:
        verbose_name = _("remediation timelines")
        verbose_name_plural = _("remediation timelines")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.cap_days}/{self.priority_days}/{self.reminder_days}"


class Finding(models.Model):
    """Something found at one supplier (and optionally one of its sites), with its evidence.

    `status` is the state of its corrective action plan (services.TRANSITIONS says which
    step leads where); `country` is the site's or else the supplier's, copied for the
    dashboard and its filters.
    """

    class Source(models.TextChoices):
        OBSERVATION = "observation", _("The buyer's own observation")
        VISIT = "visit", _("Site visit")
        AUDIT = "audit", _("Audit report")
        ASSESSMENT = "assessment", _("Disclosed questionnaire answer")
        GRIEVANCE = "grievance", _("Grievance case")
        IMPACT = "impact", _("Impact-assessment recommendation")

    class Severity(models.TextChoices):
        PRIORITY = "priority", _("Priority")
        MAJOR = "major", _("Major")
        MINOR = "minor", _("Minor")

    class Status(models.TextChoices):
        NEW = "new", _("No CAP requested yet")
        REQUESTED = "requested", _("Waiting for the supplier's CAP")
        PROPOSED = "proposed", _("CAP proposed: waiting for your review")
        CHANGES = "changes", _("Changes requested from the supplier")
        ACCEPTED = "accepted", _("CAP accepted: actions in progress")
        VERIFIED = "verified", _("Verified")
        CLOSED = "closed", _("Closed")

    OPEN_STATUSES = (
        Status.NEW,
        Status.REQUESTED,
        Status.PROPOSED,
        Status.CHANGES,
        Status.ACCEPTED,
        Status.VERIFIED,
    )

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name=_("supplier"),
    )
    site = models.ForeignKey(
        "suppliers.Site",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    country = models.CharField(_("country"), max_length=2)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    response = models.ForeignKey(
        "responses.Response",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disclosed response"),
    )
    # The impact-assessment recommendation this finding and its plan carry out, if any.
    recommendation = models.OneToOneField(
        "impact.Recommendation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="remediation_finding",
        verbose_name=_("impact-assessment recommendation"),
    )
    # Where the source is kept elsewhere: a grievance case's reference (never anything that
    # names or describes who reported it).
    reference = models.CharField(_("source reference"), max_length=100, blank=True)
    topic = models.CharField(_("topic"), max_length=30, choices=list(TOPICS.items()))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    title = models.CharField(_("title"), max_length=200)
    evidence = models.TextField(_("evidence"))
    observed_on = models.DateField(_("found on"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Whole days from the record to the close, for the median on the dashboard.
    days_to_close = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The dashboard's one GROUP BY of open findings reads this index alone.
            models.Index(
                fields=["organisation", "status", "severity", "topic", "country"],
                name="finding_cells_idx",
            ),
            models.Index(fields=["organisation", "-created_at"], name="finding_recent_idx"),
            models.Index(fields=["organisation", "days_to_close"], name="finding_close_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def topic_label(self) -> str:
        return str(TOPICS.get(self.topic, self.topic))


class CorrectiveActionPlan(models.Model):
    """The supplier's plan for one finding: the root cause it found and its actions.

    `due_on` is when the plan (or, for a priority finding, the first action) is due; the
    supplier may ask for more time (`extension_*`), which the buyer grants or declines.
    """

    class Verification(models.TextChoices):
        DESK = "desk", _("Desk review of the evidence")
        VISIT = "visit", _("Follow-up visit")

    finding = models.OneToOneField(Finding, on_delete=models.CASCADE, related_name="cap")
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=10)
    due_on = models.DateField(_("CAP due on"))
    root_cause = models.TextField(_("root cause"), blank=True)
    opened_at = models.DateTimeField(_("requested at"))
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    review_note = models.TextField(_("note to the supplier"), blank=True)
    extension_until = models.DateField(_("more time asked until"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for more time"), blank=True)
    verification = models.CharField(
        _("verified by"), max_length=10, choices=Verification.choices, blank=True
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # The due date a reminder or an escalation about the plan itself went out for (each once
    # per due date, as for actions).
    reminded_for = models.DateField(null=True, blank=True)
    escalated_for = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("corrective action plan")
        verbose_name_plural = _("corrective action plans")

    def __str__(self) -> str:
        return f"CAP {self.finding_id}"


class Action(models.Model):
    """One corrective or preventive action of a plan, with its owner at the supplier."""

    class Kind(models.TextChoices):
        CORRECTIVE = "corrective", _("Corrective")
        PREVENTIVE = "preventive", _("Preventive")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    cap = models.ForeignKey(CorrectiveActionPlan, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("action"))
    owner = models.CharField(_("owner at the supplier"), max_length=200)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    completion_note = models.TextField(_("what was done"), blank=True)
    completed_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # The day a reminder or an escalation went out (each once per due date).
    reminded_for = models.DateField(null=True, blank=True)
    escalated_for = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["position", "pk"]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"], name="action_due_idx"),
            models.Index(fields=["status", "due_on"], name="action_due_all_idx"),
        ]

    def __str__(self) -> str:
        return self.description[:80]


class Evidence(models.Model):
    """A file attached to a finding (an audit report) or to an action (its completion).

    Checked by its content, not its name (PDF, PNG or JPEG), at most
    settings.REMEDIATION_EVIDENCE_MAX_BYTES; images are re-encoded so that no metadata
    (EXIF: place, device, time) is kept. Stored in the database, read only by the finding's
    buyer and the supplier's link.
    """

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="files")
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    by_supplier = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.filename


class TimelineEntry(models.Model):
    """One step of a finding: who did what, when (buyer members by account, the supplier as
    "the supplier", the worker as the system)."""

    class Event(models.TextChoices):
        CREATED = "created", _("Finding recorded")
        CAP_REQUESTED = "cap_requested", _("CAP requested from the supplier")
        LINK_SENT = "link_sent", _("New link sent to the supplier")
        PROPOSED = "proposed", _("CAP proposed by the supplier")
        CHANGES = "changes", _("Changes requested")
        ACCEPTED = "accepted", _("CAP accepted")
        EXTENSION_ASKED = "extension_asked", _("More time asked")
        EXTENSION_GRANTED = "extension_granted", _("More time granted")
        EXTENSION_DECLINED = "extension_declined", _("More time declined")
        ACTION_DONE = "action_done", _("Action reported done")
        EVIDENCE = "evidence", _("Evidence added")
        VERIFIED = "verified", _("Verified")
        CLOSED = "closed", _("Closed")
        REMINDED = "reminded", _("Reminder sent to the supplier")
        ESCALATED = "escalated", _("Overdue: buyer's owners told")
        PLAN_REMINDED = "plan_reminded", _("Reminder of the plan's due date sent")
        PLAN_ESCALATED = "plan_escalated", _("Plan overdue: buyer's owners told")

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(_("when"))
    event = models.CharField(_("what"), max_length=20, choices=Event.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_supplier = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.event}"


class CapToken(models.Model):
    """The hash of one personal link to a CAP (100 random bits; the token itself is only in
    the e-mail). Sending a new link revokes the earlier ones."""

    cap = models.ForeignKey(CorrectiveActionPlan, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"link {self.pk} of CAP {self.cap_id}"
