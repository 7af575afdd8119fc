"""Reads of the dialogue log, shared by its pages and the yearly statement."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from hrdd.dialogue.models import Commitment, Engagement, EngagementDocument


def engagements_of(*, organisation) -> QuerySet[Engagement]:
    """The buyer's meetings, newest first, with how many commitments are still open."""
    return Engagement.objects.filter(organisation=organisation).annotate(
        commitment_count=Count("commitments"),
        open_count=Count(
            "commitments",
            filter=Q(
                commitments__status__in=[Commitment.Status.OPEN, Commitment.Status.IN_PROGRESS]
            ),
        ),
    )


def get_engagement(*, organisation, engagement_id) -> Engagement | None:
    return Engagement.objects.filter(organisation=organisation, pk=engagement_id).first()


def get_commitment(*, organisation, commitment_id) -> Commitment | None:
    return (
        Commitment.objects.filter(engagement__organisation=organisation, pk=commitment_id)
        .select_related("engagement")
        .first()
    )


def get_document(*, organisation, document_id) -> EngagementDocument | None:
    return EngagementDocument.objects.filter(
        engagement__organisation=organisation, pk=document_id
    ).first()


def open_commitments(*, organisation) -> QuerySet[Commitment]:
    """Commitments still to keep, the soonest due first (the follow-up list)."""
    return (
        Commitment.objects.filter(
            engagement__organisation=organisation,
            status__in=[Commitment.Status.OPEN, Commitment.Status.IN_PROGRESS],
        )
        .select_related("engagement")
        .order_by("due_on", "pk")
    )


def overdue(commitment: Commitment) -> bool:
    return commitment.is_open and commitment.due_on < timezone.localdate()


def statement_entries(*, organisation, year: int) -> list[dict]:
    """The meetings of `year` flagged for the statement, each with its group, topics and
    its commitments' counts: what a statement may say, never a participant's name."""
    engagements = (
        engagements_of(organisation=organisation)
        .filter(include_in_statement=True, held_on__year=year)
        .annotate(done_count=Count("commitments", filter=Q(commitments__status="done")))
        .order_by("held_on", "pk")
    )
    return [
        {
            "id": e.pk,
            "title": e.title,
            "held_on": e.held_on.isoformat(),
            "group": e.group,
            "topics": list(e.topics),
            "concerns": e.concerns,
            "commitments": e.commitment_count,
            "done": e.done_count,
            "open": e.open_count,
        }
        for e in engagements
    ]
