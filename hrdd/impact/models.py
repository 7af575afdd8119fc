"""Human-rights impact-assessment projects of a buyer (docs/impact.md): the scope, the desk
research and the plan, interviews taken with informed consent, findings rated by severity and
likelihood, salient issues, recommendations, and the timeline of every change."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from hrdd.impact import crypto
from hrdd.reference.specs import SECTORS
from hrdd.risk import method
from hrdd.risk.selectors import SECTOR_LABELS, TOPIC_LABELS

# Severity components and likelihood are each rated 1 (low) to 3 (high): docs/impact.md.
RATING_MIN, RATING_MAX = 1, 3
RATING_VALIDATORS = [MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]


class Project(models.Model):
    """One impact assessment: what it covers (countries, sector, goods, sites), how it is
    done (the method) and where it stands."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_PROGRESS = "in_progress", _("In progress")
        REPORTED = "reported", _("Reported")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="impact_projects",
        verbose_name=_("buyer"),
    )
    title = models.CharField(_("title"), max_length=200)
    countries = CountryField(_("countries"), multiple=True)
    sector = models.CharField(
        _("sector"), max_length=20, choices=[(s, SECTOR_LABELS[s]) for s in SECTORS], blank=True
    )
    goods = models.CharField(
        _("goods"),
        max_length=1000,
        blank=True,
        help_text=_("Separated by semicolons (;)."),
    )
    sites = models.ManyToManyField(
        "suppliers.Site", blank=True, related_name="+", verbose_name=_("sites")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    method = models.TextField(
        _("method"),
        blank=True,
        help_text=_("How the assessment is done: sources, who was interviewed and how, limits."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("impact assessment")
        verbose_name_plural = _("impact assessments")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_reported(self) -> bool:
        return self.status == self.Status.REPORTED


class DeskNote(models.Model):
    """A note of the desk research, linked to the reference data it rests on: an edition of a
    dataset, and/or one law of the `laws` dataset (its id and name as they were then)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="desk_notes")
    text = models.TextField(_("note"))
    edition = models.ForeignKey(
        "reference.DatasetEdition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dataset edition"),
    )
    law_edition = models.ForeignKey(
        "reference.DatasetEdition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    law_id = models.CharField(_("law"), max_length=100, blank=True)
    law_name = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class PlannedActivity(models.Model):
    """A site visit or an interview in the plan."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Site visit")
        INTERVIEW = "interview", _("Interview")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    interviewer = models.CharField(_("interviewer"), max_length=200, blank=True)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date} {self.place}"


class Interview(models.Model):
    """An interview taken with informed consent. The interviewee is known by a pseudonymous
    code; a name is stored only when the consent says so (services.interview_record), and the
    sensitive notes are stored encrypted (crypto.py)."""

    class Group(models.TextChoices):
        WORKER = "worker", _("Worker")
        MANAGER = "manager", _("Manager")
        UNION = "union_rep", _("Union or worker representative")
        RECRUITER = "recruiter", _("Recruiter")
        COMMUNITY = "community", _("Community member")
        OTHER = "other", _("Other")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="interviews")
    code = models.CharField(_("code"), max_length=20, unique=True)
    group = models.CharField(_("interviewee group"), max_length=20, choices=Group.choices)
    language = models.CharField(_("language"), max_length=10)
    taken_on = models.DateField(_("date of the interview"))
    # What was read and agreed, as it was read: the text, its version and its hash.
    consent_text = models.TextField()
    consent_version = models.CharField(max_length=20)
    consent_sha256 = models.CharField(max_length=64)
    consent_to_interview = models.BooleanField(default=False)
    consent_to_quote = models.BooleanField(default=False)
    consent_to_name = models.BooleanField(default=False)
    interviewee_name = models.CharField(_("name"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    sensitive_notes_encrypted = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["taken_on", "pk"]

    def __str__(self) -> str:
        return self.code

    @property
    def sensitive_notes(self) -> str:
        """The sensitive notes, decrypted (never shown in reports or to the operator)."""
        return crypto.decrypt(self.sensitive_notes_encrypted)


class Finding(models.Model):
    """A human-rights impact found, rated by severity (scale, scope, irremediability) and
    likelihood, 1 to 3 each; severity and priority are derived (docs/impact.md)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="findings")
    topic = models.CharField(
        _("topic"), max_length=30, choices=[(t, TOPIC_LABELS[t]) for t in method.TOPICS]
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    scale = models.PositiveSmallIntegerField(_("scale"), validators=RATING_VALIDATORS)
    scope = models.PositiveSmallIntegerField(_("scope"), validators=RATING_VALIDATORS)
    irremediability = models.PositiveSmallIntegerField(
        _("irremediability"), validators=RATING_VALIDATORS
    )
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), validators=RATING_VALIDATORS)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def severity(self) -> int:
        """Scale + scope + irremediability: 3 to 9."""
        return self.scale + self.scope + self.irremediability

    @property
    def priority(self) -> int:
        """Severity × likelihood: 3 to 27 (the order of the findings)."""
        return self.severity * self.likelihood


class SalientIssue(models.Model):
    """A finding the assessment marks as salient (among the most severe impacts), and why."""

    finding = models.OneToOneField(Finding, on_delete=models.CASCADE, related_name="salient")
    rationale = models.TextField(_("why it is salient"))
    marked_at = models.DateTimeField(auto_now_add=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return str(self.finding)


class Recommendation(models.Model):
    """What should be done, by whom and by when. `to_become_cap` marks the ones meant to
    become corrective action plans: the CAP app reads the flag (docs/impact.md, "Hand-over")."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="recommendations")
    finding = models.ForeignKey(
        Finding,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("finding"),
    )
    text = models.TextField(_("recommendation"))
    owner = models.CharField(_("owner"), max_length=200)
    target_date = models.DateField(_("target date"))
    to_become_cap = models.BooleanField(_("to become a corrective action plan"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["target_date", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ProjectEvent(models.Model):
    """The timeline: who changed what in a project, and when. `detail` names the object by
    its title or interview code, never by an interviewee's name or notes."""

    class Action(models.TextChoices):
        CREATED = "created", _("Project created")
        EDITED = "edited", _("Project edited")
        STATUS = "status", _("Status changed")
        NOTE = "note_added", _("Desk note added")
        ACTIVITY = "activity_added", _("Activity planned")
        INTERVIEW = "interview_recorded", _("Interview recorded")
        FINDING = "finding_added", _("Finding added")
        SALIENT = "salient_marked", _("Marked salient")
        UNSALIENT = "salient_unmarked", _("No longer salient")
        RECOMMENDATION = "recommendation_added", _("Recommendation added")
        TO_CAP = "recommendation_to_cap", _("Recommendation made a corrective action plan")
        NOTE_EDITED = "note_edited", _("Desk note edited")
        INTERVIEW_EDITED = "interview_edited", _("Interview record edited")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.detail}"
