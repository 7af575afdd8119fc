"""Writes of the dialogue log, each recorded in the log's audit trail (DialogueEvent)."""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.cycle.services import pdf_upload_content
from hrdd.dialogue.models import (
    Commitment,
    DialogueEvent,
    Engagement,
    EngagementDocument,
    Participant,
)
from hrdd.remediation.models import TOPICS


def _record(engagement: Engagement, action: str, *, by, detail: str = "") -> None:
    DialogueEvent.objects.create(
        organisation_id=engagement.organisation_id,
        engagement=engagement,
        by=by,
        action=action,
        detail=detail[:300],
    )


def _check(*, held_on: date | None, topics: list[str]) -> None:
    errors = {}
    if held_on and held_on > timezone.localdate():
        errors["held_on"] = _("The date is in the future: record a meeting once it was held.")
    unknown = [t for t in topics if t not in TOPICS]
    if unknown:
        errors["topics"] = _("Unknown topic: %(topic)s.") % {"topic": ", ".join(unknown)}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def engagement_create(
    *,
    organisation,
    title: str,
    held_on: date,
    group: str,
    topics: list[str],
    concerns: str = "",
    include_in_statement: bool = False,
    by,
) -> Engagement:
    """Record one meeting with stakeholders."""
    _check(held_on=held_on, topics=topics)
    engagement = Engagement(
        organisation=organisation,
        title=" ".join(title.split()),
        held_on=held_on,
        group=group,
        topics=list(topics),
        concerns=concerns.strip(),
        include_in_statement=include_in_statement,
        created_by=by,
    )
    engagement.full_clean()
    engagement.save()
    _record(engagement, DialogueEvent.Action.CREATED, by=by, detail=engagement.title)
    return engagement


@transaction.atomic
def engagement_update(
    *,
    engagement: Engagement,
    title: str,
    held_on: date,
    group: str,
    topics: list[str],
    concerns: str = "",
    include_in_statement: bool = False,
    by,
) -> Engagement:
    """Correct a meeting's record; the change is written to the audit trail."""
    _check(held_on=held_on, topics=topics)
    engagement.title = " ".join(title.split())
    engagement.held_on = held_on
    engagement.group = group
    engagement.topics = list(topics)
    engagement.concerns = concerns.strip()
    engagement.include_in_statement = include_in_statement
    engagement.full_clean()
    engagement.save()
    _record(engagement, DialogueEvent.Action.EDITED, by=by, detail=engagement.title)
    return engagement


@transaction.atomic
def participant_add(
    *,
    engagement: Engagement,
    role: str,
    organisation_name: str,
    name: str = "",
    name_consent: bool = False,
    by,
) -> Participant:
    """Who took part. A name is kept only with the person's consent to be named."""
    name = " ".join(name.split())
    if name and not name_consent:
        raise ValidationError(
            {
                "name": _(
                    "A name is kept only if the person agreed to be named: tick the consent "
                    "box, or leave the name empty."
                )
            }
        )
    participant = Participant(
        engagement=engagement,
        role=" ".join(role.split()),
        organisation_name=" ".join(organisation_name.split()),
        name=name,
        name_consent=bool(name and name_consent),
        consent_recorded_at=timezone.now() if name else None,
        consent_recorded_by=by if name else None,
    )
    participant.full_clean()
    participant.save()
    _record(engagement, DialogueEvent.Action.PARTICIPANT, by=by, detail=str(participant))
    return participant


@transaction.atomic
def commitment_add(
    *, engagement: Engagement, description: str, owner: str, due_on: date, by
) -> Commitment:
    """A promise made in the meeting, with who owns it and by when."""
    commitment = Commitment(
        engagement=engagement,
        description=description.strip(),
        owner=" ".join(owner.split()),
        due_on=due_on,
    )
    commitment.full_clean()
    commitment.save()
    _record(engagement, DialogueEvent.Action.COMMITMENT, by=by, detail=str(commitment))
    return commitment


@transaction.atomic
def commitment_follow_up(
    *, commitment: Commitment, status: str, follow_up: str, due_on: date, by
) -> Commitment:
    """Where a commitment stands: its status, what was done, and its (maybe moved) due date."""
    before = commitment.get_status_display()
    commitment.status = status
    commitment.follow_up = follow_up.strip()
    commitment.due_on = due_on
    commitment.full_clean()
    commitment.save()
    _record(
        commitment.engagement,
        DialogueEvent.Action.FOLLOW_UP,
        by=by,
        detail=f"{commitment}: {before} → {commitment.get_status_display()}",
    )
    return commitment


@transaction.atomic
def document_add(*, engagement: Engagement, title: str, upload, by) -> EngagementDocument:
    """Keep a PDF with the meeting, under the same size limit and check as the cycle's."""
    try:
        content = pdf_upload_content(upload)
    except ValidationError as error:
        raise ValidationError({"upload": error.messages}) from error
    document = EngagementDocument(
        engagement=engagement,
        title=" ".join(title.split()),
        filename=upload.name[-255:],
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=by,
    )
    document.full_clean(exclude=["content"])
    document.save()
    _record(engagement, DialogueEvent.Action.DOCUMENT, by=by, detail=document.title)
    return document
