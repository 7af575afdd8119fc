"""Builders for the dialogue log's and the statements' tests (and bench/statement.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from hrdd.dialogue import services as dialogue
from hrdd.dialogue.services import document_add
from hrdd.invitations.services import campaign_invite
from hrdd.remediation.models import Finding
from hrdd.risk.models import PriorityRun, SupplierPriority
from hrdd.statements.services import statement_create
from hrdd.testing import world
from hrdd.testing.grievances import grievance_case
from hrdd.testing.testfiles import small_pdf


def ranking(organisation, levels: list[tuple], *, finished_at: datetime | None = None):
    """A finished ranking of `organisation`'s suppliers: `levels` is [(supplier, level)] in
    rank order. Built directly, without a risk assessment (the ranking's own tests compute
    real ones; a statement only reads the result)."""
    counts: dict[str, int] = {}
    for _supplier, level in levels:
        counts[level] = counts.get(level, 0) + 1
    run = PriorityRun.objects.create(
        organisation=organisation,
        status=PriorityRun.Status.DONE,
        finished_at=finished_at or timezone.now(),
        supplier_count=len(levels),
        levels=counts,
    )
    SupplierPriority.objects.bulk_create(
        [
            SupplierPriority(
                run=run,
                supplier_id=getattr(supplier, "pk", supplier),
                rank=rank,
                score=100 - rank / (len(levels) + 1),
                level=level,
                topic="forced",
            )
            for rank, (supplier, level) in enumerate(levels, start=1)
        ],
        batch_size=2000,
    )
    return run


def engagement(organisation, by, **fields):
    """A meeting with a trade union held on 10 March 2026, flagged for the statement."""
    values = {
        "title": "Meeting with the garment workers' union",
        "held_on": date(2026, 3, 10),
        "group": "union",
        "topics": ["wages_hours", "freedom_of_association"],
        "concerns": "Overtime above the legal limit at two mills.",
        "include_in_statement": True,
        **fields,
    }
    return dialogue.engagement_create(organisation=organisation, by=by, **values)


def year_of_data(organisation, user, campaign, disclosed) -> dict:
    """A year (2026) of organisation's due diligence, with a little of 2025 to compare:
    three suppliers ranked (one high), a policy, a confidential campaign with 7 responses
    and a disclosed one with 2 of 3 invited, three findings in 2026 (one closed after 12
    days, one with a plan) and one in 2025, a grievance case, a meeting for the statement.
    Returns the objects the tests name."""
    suppliers = world.three_suppliers(organisation)
    ranking(organisation, [(suppliers[0], "high"), (suppliers[1], "medium"), (suppliers[2], "low")])
    world.policy_document(organisation, by=user)
    for _n in range(7):
        world.submit_response(campaign)
    for name in ("Saigon Textiles", "Hanoi Dyes"):
        world.submit_disclosed(disclosed, name)
    campaign_invite(campaign=disclosed, suppliers=suppliers)
    findings = [world.finding_at(suppliers[0], by=user, title=f"Finding {n}") for n in range(3)]
    world.cap_opened(findings[1], by=user)
    closed_at = timezone.now()
    Finding.objects.filter(pk=findings[0].pk).update(
        status=Finding.Status.CLOSED,
        created_at=closed_at - timedelta(days=12),
        closed_at=closed_at,
        days_to_close=12,
    )
    last_year = world.finding_at(suppliers[1], by=user, title="Old finding")
    Finding.objects.filter(pk=last_year.pk).update(
        created_at=datetime(2025, 6, 1, tzinfo=timezone.get_current_timezone())
    )
    case, _attachment = grievance_case(organisation, user)
    meeting = engagement(organisation, user)
    dialogue.commitment_add(
        engagement=meeting,
        description="Audit overtime",
        owner="Head of sourcing",
        due_on=date(2026, 6, 30),
        by=user,
    )
    return {"suppliers": suppliers, "findings": findings, "case": case, "meeting": meeting}


def tenant_objects(organisation, user) -> dict:
    """One of each object of the dialogue log and the statements, by URL argument name,
    for the cross-tenant tests (hrdd/core/tests: test_isolation, test_fuzz)."""
    meeting = engagement(organisation, user)
    commitment = dialogue.commitment_add(
        engagement=meeting, description="Audit", owner="Sourcing", due_on=date(2026, 6, 30), by=user
    )
    document = document_add(engagement=meeting, title="Minutes", upload=small_pdf(), by=user)
    statement = statement_create(organisation=organisation, year=2026, framework="uk_msa", by=user)
    return {
        "engagement_id": meeting.pk,
        "commitment_id": commitment.pk,
        "dialogue_file_id": document.pk,
        "statement_id": statement.pk,
        "number": 1,
    }
