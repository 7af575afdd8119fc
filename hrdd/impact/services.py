"""Every write to an impact-assessment project. Each one records who did what in the
project's timeline (ProjectEvent); a reported project takes no change but a reopening."""

from __future__ import annotations

import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.impact import consent, crypto
from hrdd.impact.models import (
    DeskNote,
    Finding,
    Interview,
    PlannedActivity,
    Project,
    ProjectEvent,
    Recommendation,
    SalientIssue,
)
from hrdd.reference import selectors as reference

# Interview codes: "INT-" and 4 characters that cannot be misread (no 0/O, 1/I).
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 4
# The status a project may move to from each status (a report can be reopened).
TRANSITIONS = {
    Project.Status.DRAFT: {Project.Status.IN_PROGRESS},
    Project.Status.IN_PROGRESS: {Project.Status.DRAFT, Project.Status.REPORTED},
    Project.Status.REPORTED: {Project.Status.IN_PROGRESS},
}


def _record(project: Project, by, action: str, detail: str = "") -> None:
    ProjectEvent.objects.create(project=project, by=by, action=action, detail=detail[:300])


def _open(project: Project) -> None:
    if project.is_reported:
        raise ValidationError(
            _("This assessment is reported: reopen it (status “In progress”) to change it.")
        )


def _full_clean(instance, exclude=("project", "created_by", "finding")) -> None:
    instance.full_clean(exclude=list(exclude), validate_unique=False)


@transaction.atomic
def project_create(
    *,
    organisation,
    by,
    title: str,
    countries: list[str],
    sector: str = "",
    goods: str = "",
    sites=(),
    method: str = "",
) -> Project:
    """A new assessment in draft, scoped to countries (at least one), a sector and goods."""
    project = Project(
        organisation=organisation,
        created_by=by,
        title=title,
        countries=countries,
        sector=sector,
        goods=goods,
        method=method,
    )
    _full_clean(project, exclude=("organisation", "created_by"))
    project.save()
    project.sites.set(_own_sites(organisation, sites))
    _record(project, by, ProjectEvent.Action.CREATED, title)
    return project


def _own_sites(organisation, sites) -> list:
    """The sites of the buyer's own suppliers among `sites` (a site of another is refused)."""
    sites = list(sites)
    if any(site.supplier.organisation_id != organisation.pk for site in sites):
        raise ValidationError(_("Choose sites of your own suppliers."))
    return sites


@transaction.atomic
def project_update(*, project: Project, by, **fields) -> Project:
    """The scope, title or method changed (not the status: project_set_status)."""
    _open(project)
    sites = fields.pop("sites", None)
    for name, value in fields.items():
        if name not in {"title", "countries", "sector", "goods", "method"}:
            raise TypeError(name)
        setattr(project, name, value)
    _full_clean(project, exclude=("organisation", "created_by"))
    project.save()
    if sites is not None:
        project.sites.set(_own_sites(project.organisation, sites))
    _record(project, by, ProjectEvent.Action.EDITED, project.title)
    return project


@transaction.atomic
def project_set_status(*, project: Project, by, status: str) -> Project:
    """Draft → in progress → reported (and reported → in progress to reopen), recorded."""
    current = Project.Status(project.status)
    if status not in TRANSITIONS[current]:
        raise ValidationError(
            _("An assessment that is “%(current)s” cannot become “%(status)s”.")
            % {
                "current": current.label,
                "status": Project.Status(status).label
                if status in Project.Status.values
                else status,
            }
        )
    # Conditional update: two people moving the same project at once make one change.
    moved = Project.objects.filter(pk=project.pk, status=current).update(status=status)
    if not moved:
        raise ValidationError(_("Someone else changed the status meanwhile; look again."))
    project.status = status
    # Codes, not labels: the timeline is read in each reader's language (selectors.events_of).
    _record(project, by, ProjectEvent.Action.STATUS, f"{current.value}>{status}")
    return project


def _cite_law(note: DeskNote, law_id: str) -> None:
    note.law_edition, note.law_id, note.law_name = None, "", ""
    if not law_id:
        return
    laws = reference.current_edition("laws")
    row = (
        next((r for r in reference.edition_rows(laws) if r.get("law_id") == law_id), None)
        if laws
        else None
    )
    if row is None:
        raise ValidationError({"law_id": _("Choose a law from the list.")})
    note.law_edition, note.law_id = laws, law_id
    note.law_name = row.get("short_name") or row.get("full_name") or law_id


@transaction.atomic
def desk_note_add(*, project: Project, by, text: str, edition=None, law_id: str = "") -> DeskNote:
    """A desk-research note, linked to a dataset edition and/or a law of the current `laws`
    edition (its name kept as it was, in case the dataset changes)."""
    _open(project)
    note = DeskNote(project=project, created_by=by, text=text, edition=edition)
    _cite_law(note, law_id)
    _full_clean(note)
    note.save()
    _record(project, by, ProjectEvent.Action.NOTE, text[:80])
    return note


@transaction.atomic
def desk_note_update(*, note: DeskNote, by, text: str, edition=None, law_id: str = "") -> DeskNote:
    """Change a desk note's text and what it cites. A law cited before and still cited keeps
    the name it was recorded with; a newly chosen one is read from the current edition."""
    _open(note.project)
    note.text, note.edition = text, edition
    if law_id != note.law_id:
        _cite_law(note, law_id)
    _full_clean(note)
    note.save()
    _record(note.project, by, ProjectEvent.Action.NOTE_EDITED, text[:80])
    return note


@transaction.atomic
def activity_add(
    *, project: Project, by, kind: str, date: date, place: str, interviewer: str = ""
) -> PlannedActivity:
    """A visit or an interview in the plan (past dates are allowed: the plan is also the
    record of what was done)."""
    _open(project)
    activity = PlannedActivity(
        project=project, kind=kind, date=date, place=place, interviewer=interviewer
    )
    _full_clean(activity)
    activity.save()
    _record(project, by, ProjectEvent.Action.ACTIVITY, place)
    return activity


def _new_code() -> str:
    while True:
        code = "INT-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Interview.objects.filter(code=code).exists():
            return code


@transaction.atomic
def interview_record(
    *,
    project: Project,
    by,
    group: str,
    language: str,
    taken_on: date,
    consent_sha256: str,
    consent_to_interview: bool,
    consent_to_quote: bool = False,
    consent_to_name: bool = False,
    interviewee_name: str = "",
    notes: str = "",
    sensitive_notes: str = "",
) -> Interview:
    """An interview and its consent record. `consent_sha256` is the hash of the text the
    interviewer was shown: it must be the text in the interviewee's language today, so the
    text stored is the text that was read. No interview without consent to be interviewed;
    no name without consent to store it; sensitive notes are stored encrypted."""
    _open(project)
    if language not in dict(consent.consent_languages()):
        raise ValidationError(
            {"language": _("The consent text is not available in this language.")}
        )
    text = consent.consent_text(language=language, buyer=project.organisation.name)
    if consent_sha256 != consent.consent_hash(text):
        raise ValidationError(
            _("The consent text shown was not the one in this language: read it again.")
        )
    if not consent_to_interview:
        raise ValidationError(
            {
                "consent_to_interview": _(
                    "No interview is recorded without consent to be interviewed."
                )
            }
        )
    interviewee_name = " ".join(interviewee_name.split())
    if interviewee_name and not consent_to_name:
        raise ValidationError(
            {
                "interviewee_name": _(
                    "The interviewee did not agree to have the name stored: leave the name empty."
                )
            }
        )
    if taken_on > timezone.localdate():
        raise ValidationError({"taken_on": _("The interview date cannot be in the future.")})
    interview = Interview(
        project=project,
        created_by=by,
        code=_new_code(),
        group=group,
        language=language,
        taken_on=taken_on,
        consent_text=text,
        consent_version=consent.CONSENT_VERSION,
        consent_sha256=consent_sha256,
        consent_to_interview=True,
        consent_to_quote=consent_to_quote,
        consent_to_name=consent_to_name,
        interviewee_name=interviewee_name if consent_to_name else "",
        notes=notes,
        sensitive_notes_encrypted=crypto.encrypt(sensitive_notes),
    )
    _full_clean(interview)
    interview.save()
    _record(project, by, ProjectEvent.Action.INTERVIEW, interview.code)
    return interview


@transaction.atomic
def interview_update(
    *,
    interview: Interview,
    by,
    group: str,
    taken_on: date,
    notes: str = "",
    sensitive_notes: str = "",
    interviewee_name: str = "",
) -> Interview:
    """Correct an interview record: its group, date, name (only with consent to store it),
    notes and sensitive notes (encrypted again). The consent record is what was read and
    agreed at the interview: it is not edited. The timeline names the code only."""
    _open(interview.project)
    interviewee_name = " ".join(interviewee_name.split())
    if interviewee_name and not interview.consent_to_name:
        raise ValidationError(
            {
                "interviewee_name": _(
                    "The interviewee did not agree to have the name stored: leave the name empty."
                )
            }
        )
    if taken_on is None or taken_on > timezone.localdate():
        raise ValidationError({"taken_on": _("The interview date cannot be in the future.")})
    interview.group, interview.taken_on, interview.notes = group, taken_on, notes
    interview.interviewee_name = interviewee_name
    interview.sensitive_notes_encrypted = crypto.encrypt(sensitive_notes)
    _full_clean(interview)
    interview.save()
    _record(interview.project, by, ProjectEvent.Action.INTERVIEW_EDITED, interview.code)
    return interview


@transaction.atomic
def finding_add(
    *,
    project: Project,
    by,
    topic: str,
    title: str,
    scale: int,
    scope: int,
    irremediability: int,
    likelihood: int,
    description: str = "",
) -> Finding:
    """A finding rated 1-3 on scale, scope, irremediability and likelihood."""
    _open(project)
    finding = Finding(
        project=project,
        created_by=by,
        topic=topic,
        title=title,
        description=description,
        scale=scale,
        scope=scope,
        irremediability=irremediability,
        likelihood=likelihood,
    )
    _full_clean(finding)
    finding.save()
    _record(project, by, ProjectEvent.Action.FINDING, title)
    return finding


@transaction.atomic
def finding_mark_salient(*, finding: Finding, by, rationale: str) -> SalientIssue:
    """The finding becomes a salient issue, with why (marking again updates the why)."""
    _open(finding.project)
    if not rationale.strip():
        raise ValidationError({"rationale": _("Say why this issue is salient.")})
    issue, _created = SalientIssue.objects.update_or_create(
        finding=finding, defaults={"rationale": rationale.strip(), "marked_by": by}
    )
    _record(finding.project, by, ProjectEvent.Action.SALIENT, finding.title)
    return issue


@transaction.atomic
def finding_unmark_salient(*, finding: Finding, by) -> bool:
    """The finding is no longer a salient issue; False if it was not one."""
    _open(finding.project)
    deleted, _detail = SalientIssue.objects.filter(finding=finding).delete()
    if deleted:
        _record(finding.project, by, ProjectEvent.Action.UNSALIENT, finding.title)
    return bool(deleted)


@transaction.atomic
def recommendation_add(
    *,
    project: Project,
    by,
    text: str,
    owner: str,
    target_date: date,
    to_become_cap: bool = False,
    finding: Finding | None = None,
) -> Recommendation:
    """A recommendation with its owner and target date (not in the past); `to_become_cap`
    marks it for the corrective-action-plan hand-over (docs/impact.md)."""
    _open(project)
    if finding is not None and finding.project_id != project.pk:
        raise ValidationError({"finding": _("Choose a finding of this assessment.")})
    if target_date < timezone.localdate():
        raise ValidationError({"target_date": _("The target date cannot be in the past.")})
    recommendation = Recommendation(
        project=project,
        created_by=by,
        finding=finding,
        text=text,
        owner=owner,
        target_date=target_date,
        to_become_cap=to_become_cap,
    )
    _full_clean(recommendation)
    recommendation.save()
    _record(project, by, ProjectEvent.Action.RECOMMENDATION, text[:80])
    return recommendation


@transaction.atomic
def recommendation_handed_over(*, recommendation: Recommendation, by, detail: str) -> None:
    """Record in the project's timeline that a recommendation became a corrective action
    plan (called by the CAP app, which links its finding to the recommendation)."""
    _record(recommendation.project, by, ProjectEvent.Action.TO_CAP, detail[:300])


def interview_rotate_keys() -> int:
    """Re-encrypt every interview's sensitive notes under the current key (after a new
    IMPACT_ENCRYPTION_KEY, with the old one in the fallbacks). Returns how many changed."""
    changed = 0
    for pk, token in (
        Interview.objects.exclude(sensitive_notes_encrypted="")
        .values_list("pk", "sensitive_notes_encrypted")
        .iterator()
    ):
        # One row at a time, conditional on the token read: a concurrent edit is not undone.
        changed += Interview.objects.filter(pk=pk, sensitive_notes_encrypted=token).update(
            sensitive_notes_encrypted=crypto.rotate(token)
        )
    return changed
