"""Reads of impact-assessment projects shared by the pages, the report and its PDF.

Tenant rule: every lookup starts from hrdd.core.access.get_buyer_for_member, so another
buyer's project is a 404 like one that does not exist. Sensitive notes are never read here
except by `interview_for_reader`, for members who may change the project."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from hrdd.core.access import get_buyer_for_member
from hrdd.impact.models import DeskNote, Finding, Interview, Project, ProjectEvent, Recommendation
from hrdd.reference import selectors as reference
from hrdd.reference.specs import SECTORS
from hrdd.risk import selectors as risk
from hrdd.risk.method import TOPICS
from hrdd.suppliers.models import Site

# A finding's priority band (severity × likelihood, 3 to 27): docs/impact.md.
PRIORITY_HIGH_FROM = 18
PRIORITY_MEDIUM_FROM = 9


def projects_for_buyer(*, organisation) -> QuerySet[Project]:
    return Project.objects.filter(organisation=organisation).annotate(
        finding_count=Count("findings", distinct=True),
        interview_count=Count("interviews", distinct=True),
    )


def get_project_for_member(user, organisation_id, project_id, *, write: bool = False) -> Project:
    """The buyer's project, else 404; write=True: 403 for analysts and viewers."""
    organisation = get_buyer_for_member(user, organisation_id, write=write)
    project = get_object_or_404(
        Project.objects.select_related("organisation"), pk=project_id, organisation=organisation
    )
    project.organisation = organisation  # carries .membership
    return project


def get_interview_for_member(user, organisation_id, project_id, interview_id) -> Interview:
    project = get_project_for_member(user, organisation_id, project_id)
    interview = get_object_or_404(Interview, pk=interview_id, project=project)
    interview.project = project
    return interview


def get_desk_note_for_member(
    user, organisation_id, project_id, note_id, *, write: bool = False
) -> DeskNote:
    project = get_project_for_member(user, organisation_id, project_id, write=write)
    note = get_object_or_404(DeskNote, pk=note_id, project=project)
    note.project = project
    return note


def get_finding_for_member(
    user, organisation_id, project_id, finding_id, *, write: bool = False
) -> Finding:
    project = get_project_for_member(user, organisation_id, project_id, write=write)
    finding = get_object_or_404(
        Finding.objects.select_related("salient"), pk=finding_id, project=project
    )
    finding.project = project
    return finding


def get_recommendation_for_buyer(*, organisation, recommendation_id) -> Recommendation:
    """One of the buyer's recommendations (any of its projects), else 404: where a
    recommendation becomes a corrective action plan (hrdd/remediation)."""
    return get_object_or_404(
        Recommendation.objects.select_related("project", "finding"),
        pk=recommendation_id,
        project__organisation=organisation,
    )


def can_read_sensitive_notes(project: Project) -> bool:
    """Owners and administrators of the buyer: those who run the assessment. Analysts and
    viewers read the project without the sensitive notes; the operator never sees them."""
    return project.organisation.membership.can_edit


def interviewee_label(interview: Interview) -> str:
    """How an interviewee is shown: the code, and the name only if consent says so."""
    if interview.consent_to_name and interview.interviewee_name:
        return f"{interview.code} ({interview.interviewee_name})"
    return interview.code


def priority_band(priority: int) -> str:
    if priority >= PRIORITY_HIGH_FROM:
        return "high"
    if priority >= PRIORITY_MEDIUM_FROM:
        return "medium"
    return "low"


def findings_by_priority(*, project: Project) -> list[Finding]:
    """The findings, highest severity × likelihood first (then higher severity, then oldest),
    each with its label, severity, priority and band."""
    findings = list(project.findings.select_related("salient"))
    for finding in findings:
        finding.topic_label = risk.TOPIC_LABELS.get(finding.topic, finding.topic)
        finding.band = priority_band(finding.priority)
        finding.band_label = risk.LEVEL_LABELS[finding.band]
        finding.is_salient = hasattr(finding, "salient")
    findings.sort(key=lambda f: (-f.priority, -f.severity, f.pk))
    return findings


def interviews_of(*, project: Project) -> list[Interview]:
    """The interviews with their display label (code; name only with consent). The encrypted
    column is not even read."""
    interviews = list(project.interviews.defer("sensitive_notes_encrypted", "consent_text"))
    for interview in interviews:
        interview.label = interviewee_label(interview)
    return interviews


def events_of(*, project: Project, limit: int = 50) -> list[ProjectEvent]:
    """The newest events, each with `text`: its detail in the reader's language (a status
    change is stored as codes, "draft>in_progress")."""
    events = list(project.events.select_related("by")[:limit])
    labels = dict(Project.Status.choices)
    for event in events:
        event.text = event.detail
        if event.action == ProjectEvent.Action.STATUS and ">" in event.detail:
            before, after = event.detail.split(">", 1)
            event.text = f"{labels.get(before, before)} → {labels.get(after, after)}"
    return events


def country_list(project: Project) -> list[dict]:
    return [{"code": c.code, "name": c.name or c.code} for c in project.countries]


def scope_risk(*, project: Project) -> dict:
    """The inherent-risk heat map's cells for the project's countries (read-only, from the
    latest stored assessment): per country, the level of each topic in the project's sector,
    or the worst over the sectors when no sector is chosen."""
    assessment = risk.latest_assessment()
    if assessment is None:
        return {"assessment": None, "rows": []}
    codes = {c.code for c in project.countries}
    by_topic = {}
    for topic in TOPICS:
        rows = risk.heat_map(assessment, topic)
        by_topic[topic] = {row["code"]: row for row in rows if row["code"] in codes}
    rows = []
    for country in project.countries:
        cells = []
        for topic in TOPICS:
            row = by_topic[topic].get(country.code)
            if row is None:
                level = "unknown"
            elif project.sector in SECTORS:
                level = row["cells"][SECTORS.index(project.sector)]["level"]
            else:
                level = max(
                    (c["level"] for c in row["cells"]),
                    key=["unknown", "low", "medium", "high"].index,
                )
            cells.append(
                {
                    "topic": risk.TOPIC_LABELS[topic],
                    "level": level,
                    "level_label": risk.LEVEL_LABELS[level],
                }
            )
        rows.append({"code": country.code, "name": country.name or country.code, "cells": cells})
    return {"assessment": assessment, "rows": rows}


def law_choices() -> list[tuple[str, str]]:
    """(law_id, "short name — jurisdiction") of the current `laws` edition."""
    laws = reference.current_edition("laws")
    if laws is None:
        return []
    return [
        (
            row["law_id"],
            " — ".join(p for p in (row.get("short_name"), row.get("jurisdiction")) if p),
        )
        for row in reference.edition_rows(laws)
        if row.get("law_id")
    ]


def project_page(*, project: Project) -> dict:
    """Everything the project page shows, in a fixed number of queries."""
    project = Project.objects.prefetch_related(
        "desk_notes__edition__dataset",
        "activities",
        Prefetch("sites", queryset=Site.objects.select_related("supplier")),
        "recommendations__finding",
        # The corrective action plan's finding a recommendation became (hrdd/remediation).
        "recommendations__remediation_finding",
    ).get(pk=project.pk)
    findings = findings_by_priority(project=project)
    return {
        "countries": country_list(project),
        "sites": list(project.sites.all()),
        "desk_notes": list(project.desk_notes.all()),
        "activities": list(project.activities.all()),
        "interviews": interviews_of(project=project),
        "findings": findings,
        "salient": [f for f in findings if f.is_salient],
        "recommendations": list(project.recommendations.all()),
        "events": events_of(project=project),
    }


def report(*, project: Project) -> dict:
    """What the report (page and PDF) shows: scope, method, salient issues, findings,
    recommendations, and the interviews by code and group, nothing else of them (no name,
    no note)."""
    findings = findings_by_priority(project=project)
    interviews = list(
        project.interviews.only("project_id", "code", "group", "language", "taken_on").order_by(
            "taken_on", "pk"
        )
    )
    groups = {}
    for interview in interviews:
        label = interview.get_group_display()
        groups[label] = groups.get(label, 0) + 1
    return {
        "project": project,
        "countries": country_list(project),
        "sector": project.get_sector_display() if project.sector else "",
        "sites": list(project.sites.select_related("supplier")),
        "salient": [f for f in findings if f.is_salient],
        "findings": findings,
        "recommendations": list(project.recommendations.select_related("finding")),
        "interviews": [
            {"code": i.code, "group": i.get_group_display(), "taken_on": i.taken_on}
            for i in interviews
        ],
        "groups": sorted(groups.items()),
        "activity_count": project.activities.count(),
        "desk_notes": list(project.desk_notes.select_related("edition__dataset")),
    }
