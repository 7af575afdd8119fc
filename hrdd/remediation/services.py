"""Every write of findings and corrective action plans, one service per step. Each step
checks the finding's state (TRANSITIONS) with a conditional UPDATE, so that a double click
or a second tab cannot take it twice, refuses with a ValidationError naming the field, and
writes a timeline entry.

    new -cap_open-> requested -cap_propose-> proposed -cap_accept-> accepted
    proposed -cap_request_changes-> changes -cap_propose-> proposed
    accepted -cap_verify-> verified -finding_close-> closed
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.impact import services as impact_services
from hrdd.notifications.services import email_queue
from hrdd.organisations.models import Membership, Organisation
from hrdd.remediation import files, sending
from hrdd.remediation.models import (
    TOPICS,
    Action,
    CapToken,
    CorrectiveActionPlan,
    Evidence,
    Finding,
    RemediationSettings,
    TimelineEntry,
)
from hrdd.remediation.selectors import response_is_disclosed, timelines
from hrdd.remediation.tasks import escalate_action, escalate_plan, remind_action, remind_plan
from hrdd.responses.models import Response
from hrdd.suppliers.models import Site, Supplier

S = Finding.Status
# Which step may start from which state.
TRANSITIONS = {
    "cap_open": {S.NEW},
    "cap_propose": {S.REQUESTED, S.CHANGES},
    "cap_accept": {S.PROPOSED},
    "cap_request_changes": {S.PROPOSED},
    "cap_verify": {S.ACCEPTED},
    "finding_close": {S.VERIFIED},
    "cap_extension_request": {S.REQUESTED, S.CHANGES, S.ACCEPTED},
    "action_complete": {S.ACCEPTED},
}
MAX_ACTIONS = 20


def _record(finding: Finding, event: str, *, user=None, by_supplier=False, note="") -> None:
    TimelineEntry.objects.create(
        finding=finding,
        at=timezone.now(),
        event=event,
        user=user,
        by_supplier=by_supplier,
        note=note,
    )


def _refuse(finding: Finding) -> ValidationError:
    if finding.status == S.CLOSED:
        return ValidationError(_("This finding is closed: nothing in it can change any more."))
    return ValidationError(
        _("This cannot be done now: the finding is at the step “%(status)s”.")
        % {"status": finding.get_status_display()}
    )


def _tell_buyer(finding: Finding, *, extension: bool) -> None:
    """E-mail whoever recorded the finding (else the buyer's owners) that the supplier sent
    its plan or asked for more time, in each one's language."""
    if finding.created_by_id and finding.created_by.is_active:
        people = [finding.created_by]
    else:
        people = [
            m.user
            for m in Membership.objects.filter(
                organisation_id=finding.organisation_id, role=Membership.Role.OWNER
            ).select_related("user")
        ]
    url = settings.SITE_URL + reverse(
        "remediation:detail", args=[finding.organisation_id, finding.pk]
    )
    for person in people:
        email_queue(
            to=person.email,
            template="cap_to_review",
            language=person.language or settings.LANGUAGE_CODE,
            context={
                "supplier_name": finding.supplier.name,
                "title": finding.title,
                "extension": extension,
                "link": url,
            },
        )


def _move(finding: Finding, step: str, to: str, **fields) -> None:
    """Take `finding` from one of the states `step` starts from to `to`, or refuse."""
    moved = Finding.objects.filter(pk=finding.pk, status__in=TRANSITIONS[step]).update(
        status=to, **fields
    )
    finding.refresh_from_db()
    if not moved:
        raise _refuse(finding)


def _not_past(day: date | None, field: str) -> None:
    if day is None:
        raise ValidationError({field: _("Enter a date.")})
    if day < timezone.localdate():
        raise ValidationError({field: _("The date %(date)s is in the past.") % {"date": day}})


def _language(supplier: Supplier) -> str:
    codes = dict(settings.LANGUAGES)
    return supplier.language if supplier.language in codes else settings.LANGUAGE_CODE


@transaction.atomic
def remediation_settings_update(
    *, organisation: Organisation, cap_days: int, priority_days: int, reminder_days: int
) -> RemediationSettings:
    """Change the buyer's timelines (they apply to plans requested from now on)."""
    for field, value in [
        ("cap_days", cap_days),
        ("priority_days", priority_days),
        ("reminder_days", reminder_days),
    ]:
        if not 1 <= value <= 365:
            raise ValidationError({field: _("Enter a number of days from 1 to 365.")})
    found, _created = RemediationSettings.objects.update_or_create(
        organisation=organisation,
        defaults={
            "cap_days": cap_days,
            "priority_days": priority_days,
            "reminder_days": reminder_days,
        },
    )
    return found


# Sources that only another app's service records (no page of this app offers them).
OTHER_APP_SOURCES = {Finding.Source.GRIEVANCE, Finding.Source.IMPACT}


@transaction.atomic
def finding_create(
    *,
    organisation: Organisation,
    supplier: Supplier,
    source: str,
    topic: str,
    severity: str,
    title: str,
    evidence: str,
    observed_on: date,
    by: User | None,
    site: Site | None = None,
    response: Response | None = None,
    report=None,
) -> Finding:
    """The buyer's form: a finding from its own observation, a visit, an audit (`report`:
    the uploaded report) or a disclosed answer (`response`). Grievance cases and
    impact-assessment recommendations come through `create_finding` and
    `finding_from_recommendation` from their own apps."""
    if source in OTHER_APP_SOURCES:
        raise ValidationError({"source": _("Choose where the finding comes from.")})
    return create_finding(
        organisation=organisation,
        supplier=supplier,
        source=source,
        topic=topic,
        severity=severity,
        title=title,
        evidence=evidence,
        observed_on=observed_on,
        by=by,
        site=site,
        response=response,
        report=report,
    )


@transaction.atomic
def create_finding(
    *,
    organisation: Organisation,
    supplier: Supplier,
    source: str,
    topic: str,
    severity: str,
    title: str,
    evidence: str,
    observed_on: date,
    by: User | None,
    site: Site | None = None,
    response: Response | None = None,
    report=None,
    reference: str = "",
    recommendation=None,
) -> Finding:
    """Record a finding about a supplier of the buyer's list. The public entry point for
    other apps (grievance cases, impact assessments); the buyer's form goes through
    `finding_create`.

    - `source`: a `Finding.Source` value: "observation", "visit", "audit" (with `report`,
      the uploaded file, checked as evidence), "assessment" (with `response`, disclosed),
      "grievance" (with `reference`, the case's reference, at most 100 characters: it is
      shown to the buyer's members, so it must not name or describe the person who
      reported), or "impact" (with `recommendation`, an impact-assessment recommendation of
      the same buyer; use `finding_from_recommendation`).
    - `topic`: a key of `TOPICS`; `severity`: "priority", "major" or "minor";
      `title` (at most 200 characters) and `evidence`: non-empty text; `observed_on`: not
      later than today; `site`: optionally one site of `supplier`.

    A finding names its supplier, so an answer may be its source only where the buyer may
    see that supplier's answers (policy.detailed_report_access, consent recorded): an
    answer from a confidential campaign is refused, whatever is posted. The caller is
    responsible for the same rule for its own source (a grievance case may become a finding
    only where naming the supplier does not expose the person who reported).

    Refusals are ValidationErrors naming the field; the finding is at "new" (no plan asked
    yet: `cap_open` asks the supplier for one) and its timeline starts with its creation.
    """
    if supplier.organisation_id != organisation.pk:
        raise ValidationError({"supplier": _("Choose a supplier of your list.")})
    if site is not None and site.supplier_id != supplier.pk:
        raise ValidationError({"site": _("Choose a site of this supplier.")})
    if source not in Finding.Source.values:
        raise ValidationError({"source": _("Choose where the finding comes from.")})
    if topic not in TOPICS:
        raise ValidationError({"topic": _("Choose a topic.")})
    if severity not in Finding.Severity.values:
        raise ValidationError({"severity": _("Choose a severity.")})
    if not title.strip():
        raise ValidationError({"title": _("Enter a title.")})
    if not evidence.strip():
        raise ValidationError({"evidence": _("Describe the evidence.")})
    if observed_on > timezone.localdate():
        raise ValidationError(
            {"observed_on": _("The date a finding was made cannot be later than today.")}
        )
    if source == Finding.Source.ASSESSMENT:
        if response is None:
            raise ValidationError({"response": _("Choose the disclosed response.")})
        if not response_is_disclosed(organisation=organisation, response=response):
            raise ValidationError(
                {
                    "response": _(
                        "This response is confidential: its answers were not disclosed to "
                        "you, so no finding about a named supplier can come from it."
                    )
                }
            )
    elif response is not None:
        raise ValidationError({"response": _("Only a disclosed-answer finding names a response.")})
    if source == Finding.Source.AUDIT and report is None:
        raise ValidationError({"file": _("Upload the audit report.")})
    reference = reference.strip()
    if source == Finding.Source.GRIEVANCE and not reference:
        raise ValidationError({"reference": _("Give the grievance case's reference.")})
    if len(reference) > 100:
        raise ValidationError({"reference": _("At most 100 characters.")})
    if (source == Finding.Source.IMPACT) != (recommendation is not None):
        raise ValidationError(
            {"recommendation": _("Only an impact-assessment finding names a recommendation.")}
        )
    if recommendation is not None:
        if recommendation.project.organisation_id != organisation.pk:
            raise ValidationError({"recommendation": _("Choose a recommendation of yours.")})
        if Finding.objects.filter(recommendation=recommendation).exists():
            raise ValidationError(
                {"recommendation": _("This recommendation already has a corrective action plan.")}
            )
    checked = files.check_upload(report) if report is not None else None
    now = timezone.now()
    finding = Finding.objects.create(
        organisation=organisation,
        supplier=supplier,
        site=site,
        country=str(site.country if site else supplier.country),
        source=source,
        response=response,
        reference=reference,
        recommendation=recommendation,
        topic=topic,
        severity=severity,
        title=title.strip()[:200],
        evidence=evidence.strip(),
        observed_on=observed_on,
        created_by=by,
        created_at=now,
    )
    _record(finding, TimelineEntry.Event.CREATED, user=by, note=reference)
    if checked is not None:
        _store(finding, checked, by=by)
    return finding


@transaction.atomic
def finding_from_recommendation(
    *,
    organisation: Organisation,
    recommendation,
    supplier: Supplier,
    severity: str,
    topic: str,
    by: User | None,
    site: Site | None = None,
) -> Finding:
    """An impact-assessment recommendation carried out as a finding at a supplier of the
    buyer's list and a plan asked for at once (the supplier gets its link). The finding
    names the recommendation and the recommendation's project records the hand-over, so
    each side links to the other; a recommendation becomes at most one finding."""
    project = recommendation.project
    parts = [recommendation.text.strip()]
    if recommendation.finding is not None:
        parts.append(f"{recommendation.finding.title}: {recommendation.finding.description}")
    parts.append(
        _("Impact assessment “%(project)s”, recommendation for %(owner)s by %(date)s.")
        % {
            "project": project.title,
            "owner": recommendation.owner,
            "date": recommendation.target_date.isoformat(),
        }
    )
    finding = create_finding(
        organisation=organisation,
        supplier=supplier,
        site=site,
        source=Finding.Source.IMPACT,
        recommendation=recommendation,
        topic=topic,
        severity=severity,
        title=recommendation.text.strip().splitlines()[0][:200] if recommendation.text else "",
        evidence="\n\n".join(p for p in parts if p.strip()),
        observed_on=timezone.localdate(),
        by=by,
    )
    impact_services.recommendation_handed_over(
        recommendation=recommendation, by=by, detail=f"{supplier.name}: {finding.title}"
    )
    cap_open(finding=finding, by=by)
    return finding


def _store(finding, checked, *, by=None, action=None, by_supplier=False) -> Evidence:
    return Evidence.objects.create(
        finding=finding,
        action=action,
        filename=checked.filename,
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=checked.sha256,
        content=checked.content,
        by_supplier=by_supplier,
        uploaded_by=by,
        uploaded_at=timezone.now(),
    )


@transaction.atomic
def evidence_add(
    *,
    finding: Finding,
    upload,
    by: User | None = None,
    action: Action | None = None,
    by_supplier: bool = False,
) -> Evidence:
    """Attach a checked file (files.check_upload) to an open finding or one of its actions."""
    if not finding.is_open:
        raise _refuse(finding)
    if action is not None and action.cap.finding_id != finding.pk:
        raise ValidationError({"action": _("Choose an action of this plan.")})
    evidence = _store(
        finding, files.check_upload(upload), by=by, action=action, by_supplier=by_supplier
    )
    _record(
        finding,
        TimelineEntry.Event.EVIDENCE,
        user=by,
        by_supplier=by_supplier,
        note=evidence.filename,
    )
    return evidence


def _schedule(cap: CorrectiveActionPlan) -> None:
    """After commit: each planned action's reminder and escalation (reminders.py)."""
    days = timelines(organisation=cap.finding.organisation).reminder_days
    planned = [(a.pk, a.due_on) for a in cap.actions.filter(status=Action.Status.PLANNED)]

    def enqueue():
        for action_id, due_on in planned:
            remind_at = timezone.make_aware(
                datetime.combine(due_on - timedelta(days=days), time(6))
            )
            escalate_at = timezone.make_aware(datetime.combine(due_on + timedelta(days=1), time(6)))
            kwargs = {"action_id": action_id, "due_on": due_on.isoformat()}
            remind_action.using(run_after=max(remind_at, timezone.now())).enqueue(**kwargs)
            escalate_action.using(run_after=escalate_at).enqueue(**kwargs)

    transaction.on_commit(enqueue)


def _schedule_plan(cap: CorrectiveActionPlan) -> None:
    """After commit: the reminder before the plan's own due date and the escalation the day
    after it (reminders.py: nothing is sent once the plan was proposed)."""
    days = timelines(organisation=cap.finding.organisation).reminder_days
    due_on = cap.due_on

    def enqueue():
        remind_at = timezone.make_aware(datetime.combine(due_on - timedelta(days=days), time(6)))
        escalate_at = timezone.make_aware(datetime.combine(due_on + timedelta(days=1), time(6)))
        kwargs = {"cap_id": cap.pk, "due_on": due_on.isoformat()}
        remind_plan.using(run_after=max(remind_at, timezone.now())).enqueue(**kwargs)
        escalate_plan.using(run_after=escalate_at).enqueue(**kwargs)

    transaction.on_commit(enqueue)


@transaction.atomic
def cap_open(*, finding: Finding, by: User | None) -> CorrectiveActionPlan:
    """Ask the supplier for a plan: a personal link e-mailed in its language, the plan due
    in the buyer's timeline (priority findings sooner)."""
    _move(finding, "cap_open", S.REQUESTED)
    rules = timelines(organisation=finding.organisation)
    days = rules.priority_days if finding.severity == Finding.Severity.PRIORITY else rules.cap_days
    cap = CorrectiveActionPlan.objects.create(
        finding=finding,
        email=finding.supplier.email,
        language=_language(finding.supplier),
        due_on=timezone.localdate() + timedelta(days=days),
        opened_at=timezone.now(),
    )
    sending.cap_link_send(cap=cap, template="cap_request")
    _record(finding, TimelineEntry.Event.CAP_REQUESTED, user=by)
    _schedule_plan(cap)
    return cap


@transaction.atomic
def cap_link_resend(*, cap: CorrectiveActionPlan, by: User | None) -> None:
    """A new link to the supplier; the earlier ones stop working (a lost or forwarded mail)."""
    if not cap.finding.is_open:
        raise _refuse(cap.finding)
    CapToken.objects.filter(cap=cap, revoked_at=None).update(revoked_at=timezone.now())
    sending.cap_link_send(cap=cap, template="cap_request")
    _record(cap.finding, TimelineEntry.Event.LINK_SENT, user=by)


@transaction.atomic
def cap_propose(*, cap: CorrectiveActionPlan, root_cause: str, actions: list[dict]) -> None:
    """The supplier's plan: its root cause and its actions ({"kind", "description", "owner",
    "due_on"}), replacing an earlier proposal the buyer sent back."""
    if not root_cause.strip():
        raise ValidationError({"root_cause": _("Describe the root cause.")})
    if not actions:
        raise ValidationError({"actions": _("Enter at least one action.")})
    if len(actions) > MAX_ACTIONS:
        raise ValidationError({"actions": _("At most %(n)s actions.") % {"n": MAX_ACTIONS}})
    for number, row in enumerate(actions, start=1):
        if row.get("kind") not in Action.Kind.values:
            raise ValidationError({f"action-{number}-kind": _("Choose the kind of action.")})
        for field in ("description", "owner"):
            if not str(row.get(field, "")).strip():
                raise ValidationError({f"action-{number}-{field}": _("This field is required.")})
        _not_past(row.get("due_on"), f"action-{number}-due_on")
    finding = cap.finding
    _move(finding, "cap_propose", S.PROPOSED)
    cap.actions.all().delete()
    Action.objects.bulk_create(
        Action(
            organisation_id=finding.organisation_id,
            cap=cap,
            position=number,
            kind=row["kind"],
            description=row["description"].strip(),
            owner=row["owner"].strip(),
            due_on=row["due_on"],
        )
        for number, row in enumerate(actions, start=1)
    )
    cap.root_cause = root_cause.strip()
    cap.proposed_at = timezone.now()
    cap.save(update_fields=["root_cause", "proposed_at"])
    _record(finding, TimelineEntry.Event.PROPOSED, by_supplier=True)
    _tell_buyer(finding, extension=False)


@transaction.atomic
def cap_accept(*, cap: CorrectiveActionPlan, by: User | None) -> None:
    """The buyer accepts the plan: the actions are now due on their dates."""
    _move(cap.finding, "cap_accept", S.ACCEPTED)
    cap.accepted_at = timezone.now()
    cap.review_note = ""
    cap.save(update_fields=["accepted_at", "review_note"])
    _record(cap.finding, TimelineEntry.Event.ACCEPTED, user=by)
    sending.cap_link_send(cap=cap, template="cap_reviewed", accepted=True, note="")
    _schedule(cap)


@transaction.atomic
def cap_request_changes(*, cap: CorrectiveActionPlan, by: User | None, note: str) -> None:
    """The buyer sends the plan back with what should change."""
    if not note.strip():
        raise ValidationError({"note": _("Say what the supplier should change.")})
    _move(cap.finding, "cap_request_changes", S.CHANGES)
    cap.review_note = note.strip()
    cap.save(update_fields=["review_note"])
    _record(cap.finding, TimelineEntry.Event.CHANGES, user=by, note=cap.review_note)
    sending.cap_link_send(cap=cap, template="cap_reviewed", accepted=False, note=cap.review_note)


@transaction.atomic
def cap_extension_request(*, cap: CorrectiveActionPlan, until: date | None, reason: str) -> None:
    """The supplier asks for more time, until a date, with a reason; the buyer decides."""
    if cap.finding.status not in TRANSITIONS["cap_extension_request"]:
        raise _refuse(cap.finding)
    _not_past(until, "until")
    if until <= cap.due_on and cap.finding.status != S.ACCEPTED:
        raise ValidationError({"until": _("Choose a date after the current due date.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the extra time.")})
    cap.extension_until = until
    cap.extension_reason = reason.strip()
    cap.save(update_fields=["extension_until", "extension_reason"])
    _record(
        cap.finding,
        TimelineEntry.Event.EXTENSION_ASKED,
        by_supplier=True,
        note=f"{until.isoformat()}: {cap.extension_reason}",
    )
    _tell_buyer(cap.finding, extension=True)


@transaction.atomic
def cap_extension_decide(*, cap: CorrectiveActionPlan, by: User | None, grant: bool) -> None:
    """Grant (the plan and every open action due no earlier than the date asked) or
    decline the supplier's request for more time."""
    if not cap.finding.is_open:
        raise _refuse(cap.finding)
    if cap.extension_until is None:
        raise ValidationError(_("The supplier has not asked for more time."))
    until = cap.extension_until
    if grant:
        if cap.finding.status == S.ACCEPTED:
            cap.actions.filter(status=Action.Status.PLANNED, due_on__lt=until).update(due_on=until)
        else:
            cap.due_on = until
    cap.extension_until = None
    cap.extension_reason = ""
    cap.save(update_fields=["due_on", "extension_until", "extension_reason"])
    if grant and cap.finding.status == S.ACCEPTED:
        _schedule(cap)
    elif grant:
        _schedule_plan(cap)
    event = (
        TimelineEntry.Event.EXTENSION_GRANTED if grant else TimelineEntry.Event.EXTENSION_DECLINED
    )
    _record(cap.finding, event, user=by, note=until.isoformat())


@transaction.atomic
def action_complete(*, action: Action, note: str, upload=None) -> None:
    """The supplier reports an action done, with what was done and optionally a file."""
    finding = action.cap.finding
    if finding.status not in TRANSITIONS["action_complete"]:
        raise _refuse(finding)
    if not note.strip():
        raise ValidationError({"note": _("Say what was done.")})
    if upload is not None:
        evidence_add(finding=finding, upload=upload, action=action, by_supplier=True)
    done = Action.objects.filter(pk=action.pk, status=Action.Status.PLANNED).update(
        status=Action.Status.DONE, completion_note=note.strip(), completed_at=timezone.now()
    )
    if done:
        _record(
            finding,
            TimelineEntry.Event.ACTION_DONE,
            by_supplier=True,
            note=action.description[:200],
        )
    action.refresh_from_db()


@transaction.atomic
def cap_verify(*, cap: CorrectiveActionPlan, by: User | None, method: str, note: str = "") -> None:
    """The buyer checked that every action was done (a desk review or a follow-up visit)."""
    if method not in CorrectiveActionPlan.Verification.values:
        raise ValidationError({"method": _("Choose how the actions were verified.")})
    if cap.finding.status not in TRANSITIONS["cap_verify"]:
        raise _refuse(cap.finding)
    if cap.actions.exclude(status=Action.Status.DONE).exists():
        raise ValidationError(_("Every action must be reported done before it can be verified."))
    _move(cap.finding, "cap_verify", S.VERIFIED)
    cap.verification = method
    cap.verified_at = timezone.now()
    cap.save(update_fields=["verification", "verified_at"])
    _record(cap.finding, TimelineEntry.Event.VERIFIED, user=by, note=note.strip())


@transaction.atomic
def finding_close(*, finding: Finding, by: User | None, note: str = "") -> None:
    """Close a verified finding; its days from record to close go to the dashboard."""
    now = timezone.now()
    _move(
        finding,
        "finding_close",
        S.CLOSED,
        closed_at=now,
        days_to_close=max(0, (now - finding.created_at).days),
    )
    _record(finding, TimelineEntry.Event.CLOSED, user=by, note=note.strip())
